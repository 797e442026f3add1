-- wrk script for tools/bench.py: adds the API key header from the environment
-- (WILAYAH_API_KEY), so that the key does not show in the process list.
-- Requests stay static (no request()/response() functions): wrk's fast path.
local key = os.getenv("WILAYAH_API_KEY")
if key and key ~= "" then
    wrk.headers["X-API-Key"] = key
end
