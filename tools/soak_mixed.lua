-- wrk script for tools/soak.py: cycles through valid API requests (details in
-- both code systems, filtered lists, kodepos, search, the full list now and
-- then) and counts the answers by HTTP status. Every request here is valid, so
-- every answer must be 200.
--   WILAYAH_API_KEY  the key (from the environment, not the command line)
local key = os.getenv("WILAYAH_API_KEY") or ""

local paths = {
    "/api/provinsi/32",
    "/api/kota/3204",
    "/api/kecamatan/3204050",
    "/api/kelurahan/3204050001",
    "/api/kecamatan/32.04.31",
    "/api/kodepos/40266",
    "/api/kodepos/23898",
    "/api/kota?name=bandung",
    "/api/kota?kode_provinsi=32",
    "/api/kecamatan?kode_kota=3204",
    "/api/kecamatan?name=cicalengka",
    "/api/kelurahan?kode_kecamatan=3204050",
    "/api/kelurahan?name=cilandak",
    "/api/kelurahan?kode_kecamatan=3204050&limit=5&offset=2",
    "/api/provinsi",
    "/api/provinsi?name=jawa",
    "/api/kota?limit=20&offset=40",
    "/api/search?q=sari",
    "/api/search?q=utara&limit=10",
    "/api/provinsi/11",
    "/api/kota/1101",
    "/api/kelurahan/1101010002",
    "/api/kodepos/12560",
    "/api/search?q=bandung",
}
local FULL_GZIP_EVERY = 40    -- the full list, gzipped, once every 40 requests
local FULL_PLAIN_EVERY = 400  -- and plain (7.7 MB) once every 400

local threads = {}

function setup(thread)
    thread:set("thread_id", #threads)
    table.insert(threads, thread)
end

function init(args)
    counter = thread_id * 7
    statuses = {}
    plain = { ["X-API-Key"] = key }
    gzipped = { ["X-API-Key"] = key, ["Accept-Encoding"] = "gzip" }
end

function request()
    counter = counter + 1
    if counter % FULL_PLAIN_EVERY == 0 then
        return wrk.format("GET", "/api/kelurahan", plain)
    end
    if counter % FULL_GZIP_EVERY == 0 then
        return wrk.format("GET", "/api/kelurahan", gzipped)
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
