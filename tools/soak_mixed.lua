-- wrk script for tools/soak.py: cycles through the valid requests that
-- soak.py takes from the route table and passes as the script's arguments
-- (after --): the first is the full list, sent now and then; the others are
-- sent in turn. Counts the answers by HTTP status. Every request is valid, so
-- every answer must be 200.
--   WILAYAH_API_KEY  the key (from the environment, not the command line)
local key = os.getenv("WILAYAH_API_KEY") or ""

local FULL_GZIP_EVERY = 40    -- the full list, gzipped, once every 40 requests
local FULL_PLAIN_EVERY = 400  -- and plain (7.7 MB) once every 400

local threads = {}

function setup(thread)
    thread:set("thread_id", #threads)
    table.insert(threads, thread)
end

function init(args)
    -- args[0] is the URL; then the full list and the paths of the mix.
    full_list = args[1]
    paths = {}
    for i = 2, #args do
        table.insert(paths, args[i])
    end
    if not full_list or #paths == 0 then
        error("usage: wrk -s soak_mixed.lua <url> -- <full list> <path>...")
    end
    counter = thread_id * 7
    statuses = {}
    plain = { ["X-API-Key"] = key }
    gzipped = { ["X-API-Key"] = key, ["Accept-Encoding"] = "gzip" }
end

function request()
    counter = counter + 1
    if counter % FULL_PLAIN_EVERY == 0 then
        return wrk.format("GET", full_list, plain)
    end
    if counter % FULL_GZIP_EVERY == 0 then
        return wrk.format("GET", full_list, gzipped)
    end
    return wrk.format("GET", paths[counter % #paths + 1], plain)
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
        for status, count in pairs(thread:get("statuses") or {}) do
            total[status] = (total[status] or 0) + count
        end
    end
    for status, count in pairs(total) do
        io.write(string.format("STATUS %d %d\n", status, count))
    end
end
