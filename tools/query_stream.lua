-- wrk script for tools/bench.py: every request a new query string, from a
-- file of distinct URL-encoded query strings ("q=...", one a line), so that
-- no request repeats in the whole bench (the answer cache never hits). An
-- empty line sends the URL's path as it is (/web/health through this very
-- script, for a fair ratio: request() runs for every request, where
-- key_header.lua leaves wrk its static request).
--   WILAYAH_API_KEY       the key (from the environment, not the command line)
--   WILAYAH_STREAM_FILE   the file of query strings
--   WILAYAH_STREAM_START  the first line of this run (0-based; default 0)
-- Thread i of n sends lines start+i, start+i+n, start+i+2n...; past the last
-- line it starts again at the first (and says so). done() prints
--   STREAM next=<the first line no thread sent> wrapped=<0|1>
-- where the next run starts. No response(): wrk skips headers and bodies.
local key = os.getenv("WILAYAH_API_KEY")
if key and key ~= "" then
    wrk.headers["X-API-Key"] = key
end

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_id", #threads - 1)
    for _, each in ipairs(threads) do
        each:set("stride", #threads)
    end
end

function init(args)
    local file = os.getenv("WILAYAH_STREAM_FILE")
    if not file or file == "" then
        error("query_stream.lua: WILAYAH_STREAM_FILE is not set")
    end
    queries = {}
    for line in io.lines(file) do
        queries[#queries + 1] = line
    end
    if #queries == 0 then
        error("query_stream.lua: no line in " .. file)
    end
    start = tonumber(os.getenv("WILAYAH_STREAM_START") or "0") or 0
    sent = 0
    wrapped = 0
    base = wrk.path
end

function request()
    local line = start + thread_id + sent * stride
    sent = sent + 1
    if line >= #queries then
        wrapped = 1
        line = line % #queries
    end
    local query = queries[line + 1]
    if query == "" then
        return wrk.format(nil, base)
    end
    return wrk.format(nil, base .. "?" .. query)
end

function done(summary, latency, requests)
    local most, wrapped_any = 0, 0
    for _, thread in ipairs(threads) do
        most = math.max(most, thread:get("sent") or 0)
        wrapped_any = math.max(wrapped_any, thread:get("wrapped") or 0)
    end
    local first = tonumber(os.getenv("WILAYAH_STREAM_START") or "0") or 0
    io.write(string.format("STREAM next=%d wrapped=%d\n", first + most * #threads, wrapped_any))
end
