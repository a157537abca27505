-- wrk script for scripts/bench-intake: POSTs realistic, varied report bodies (JSON) to the URL's path
-- (POST /api/v1/reports for intake, POST /bench/baseline for the one-INSERT baseline: the same bodies).
--
--   wrk -t2 -c64 -d15s --latency -s scripts/bench/intake.lua http://127.0.0.1:PORT/api/v1/reports [-- EXPECTED_STATUS]
--
-- * ~5,000 article paths on the publisher's hosts (www.example.com, example.com, m.example.com),
--   sometimes with utm_ parameters or an /amp suffix; 20% of requests go to 10 hot articles.
-- * A random category, explanations of 50-1500 characters (quotes, line breaks and accents, JSON-escaped),
--   sometimes a passage, sometimes 1-3 evidence URLs, sometimes an e-mail with wants_outcome, language en/de/fr.
-- * Each thread builds a pool of 2,000 bodies in init(), so Lua does no work per request but pick one.
-- * Every response status is counted; done() prints one line the script parses:
--     bench-status: expected=201 matched=N other=M codes=201:N,422:M
--   (wrk cannot fail a run from Lua: scripts/bench-intake fails it when too few answers matched).

local EXPECTED = 201
local POOL_SIZE = 2000
local ARTICLES = 5000
local HOT = 10
local HOT_SHARE = 0.20

local HOSTS = { "www.example.com", "example.com", "m.example.com" }
local SECTIONS = { "world", "politics", "science", "health", "business", "climate", "tech", "europe", "culture", "sport" }
local CATEGORIES = { "false_claim", "misleading_context", "manipulated_media", "fabricated_quote", "outdated", "other" }
local LANGUAGES = { "en", "de", "fr" }
local SLUG_WORDS = {
  "minister", "vaccine", "election", "budget", "flood", "study", "court", "strike", "border", "energy",
  "report", "price", "climate", "summit", "trial", "police", "market", "school", "virus", "reform",
  "protest", "ceasefire", "tariff", "heatwave", "satellite", "census", "pension", "grid", "drought", "ai",
}
local WORDS = {
  en = {
    "the", "article", "claims", "that", "figure", "is", "wrong", "according", "to", "official", "statistics",
    "published", "in", "2023", "quote", "was", "never", "said", "by", "minister", "photo", "shows", "a",
    "different", "event", "from", "years", "ago", "context", "missing", "source", "link", "broken",
    "percent", "increase", "not", "decrease", "see", "report", "page", "table", "headline", "misleading",
  },
  de = {
    "der", "Artikel", "behauptet", "dass", "die", "Zahl", "falsch", "ist", "laut", "amtlicher", "Statistik",
    "Zitat", "wurde", "nie", "gesagt", "Foto", "zeigt", "ein", "anderes", "Ereignis", "vor", "Jahren",
    "Kontext", "fehlt", "Quelle", "Überschrift", "irreführend", "Prozent", "Anstieg", "Rückgang", "Gemeinde",
    "Behörde", "veröffentlicht", "Bericht", "Seite", "Tabelle", "größer", "über", "für", "Maßnahme",
  },
  fr = {
    "l'article", "affirme", "que", "le", "chiffre", "est", "faux", "selon", "les", "statistiques",
    "officielles", "citation", "n'a", "jamais", "été", "prononcée", "photo", "montre", "un", "autre",
    "événement", "d'il", "y", "a", "ans", "contexte", "manquant", "source", "titre", "trompeur", "hausse",
    "baisse", "pourcentage", "publié", "rapport", "page", "tableau", "élection", "ministère", "déjà",
  },
}

local function pick(list)
  return list[math.random(#list)]
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    if c == "\n" then return "\\n" end
    if c == "\t" then return "\\t" end
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

-- Text of about `length` bytes in `lang`, cut at a word boundary (never inside a UTF-8 character).
local function prose(lang, length)
  local words = WORDS[lang]
  local parts = {}
  local n = 0
  local sentence = 0
  while n < length do
    local w = pick(words)
    local r = math.random()
    if r < 0.02 then
      w = '"' .. w .. '"'
    elseif r < 0.03 then
      w = w .. "\n"
    elseif r < 0.04 then
      w = w .. " (" .. math.random(1, 99) .. "%)"
    end
    sentence = sentence + 1
    if sentence > 8 and math.random() < 0.2 then
      w = w .. "."
      sentence = 0
    end
    parts[#parts + 1] = w
    n = n + #w + 1
  end
  return table.concat(parts, " ")
end

-- The article catalogue: the same in every thread (fixed seed).
local articles = {}
local function build_catalogue()
  math.randomseed(20261127)
  for i = 1, ARTICLES do
    local slug = {}
    for j = 1, math.random(3, 7) do
      slug[j] = pick(SLUG_WORDS)
    end
    articles[i] = string.format("/%s/%d/%02d/%s-%d", pick(SECTIONS), 2020 + math.random(0, 6), math.random(1, 12),
      table.concat(slug, "-"), i)
  end
end

-- A link to an article as a reader would paste it: host variant, tracking parameters, AMP.
local function article_url()
  local path
  if math.random() < HOT_SHARE then
    path = articles[math.random(HOT)]
  else
    path = articles[math.random(HOT + 1, ARTICLES)]
  end
  local host = HOSTS[1]
  local r = math.random()
  if r < 0.15 then
    host = HOSTS[2]
  elseif r < 0.35 then
    host = HOSTS[3]
  end
  if math.random() < 0.10 then
    path = path .. "/amp"
  end
  local url = "https://" .. host .. path
  if math.random() < 0.25 then
    url = url .. "?utm_source=" .. pick({ "twitter", "facebook", "newsletter", "whatsapp" }) .. "&utm_medium=social"
  end
  return url
end

local function body(n)
  local lang = pick(LANGUAGES)
  local fields = {
    '"article_url":' .. json_string(article_url()),
    '"category":' .. json_string(pick(CATEGORIES)),
    '"explanation":' .. json_string(prose(lang, math.random(50, 1500))),
    '"language":' .. json_string(lang),
  }
  if math.random() < 0.4 then
    fields[#fields + 1] = '"passage":' .. json_string(prose(lang, math.random(20, 400)))
  end
  if math.random() < 0.3 then
    local urls = {}
    for i = 1, math.random(1, 3) do
      urls[i] = json_string(string.format("https://%s/%s/%d", pick({ "factcheck.example.org", "stats.example.gov",
        "archive.example.net" }), pick(SLUG_WORDS), math.random(1, 1e6)))
    end
    fields[#fields + 1] = '"evidence_urls":[' .. table.concat(urls, ",") .. "]"
  end
  if math.random() < 0.25 then
    fields[#fields + 1] = '"reporter_email":' .. json_string(string.format("reader%d.%d@example.org", n, math.random(1, 1e6)))
    fields[#fields + 1] = '"wants_outcome":true'
    if math.random() < 0.5 then
      fields[#fields + 1] = '"reporter_name":' .. json_string(pick({ "A. Reader", "Jörg Müller", "Élodie Faure", "Sam" }))
    end
  end
  return "{" .. table.concat(fields, ",") .. "}"
end

-- main thread: give each thread an id, keep them to sum up in done()
local threads = {}
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

-- each thread
local requests = {}
local counter = 0
statuses = {}

function init(args)
  if args[1] then
    EXPECTED = tonumber(args[1])
  end
  build_catalogue()
  math.randomseed(1000 + (id or 0) * 7919 + os.time())
  local headers = { ["Content-Type"] = "application/json" }
  for i = 1, POOL_SIZE do
    requests[i] = wrk.format("POST", nil, headers, body(i))
  end
end

function request()
  counter = counter % POOL_SIZE + 1
  return requests[counter]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, reqs)
  local totals = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do
      totals[code] = (totals[code] or 0) + n
    end
  end
  local matched, other, codes = 0, 0, {}
  for code, n in pairs(totals) do
    if code == EXPECTED then
      matched = matched + n
    else
      other = other + n
    end
    codes[#codes + 1] = code .. ":" .. n
  end
  table.sort(codes)
  io.write(string.format("bench-status: expected=%d matched=%d other=%d codes=%s\n", EXPECTED, matched, other,
    table.concat(codes, ",")))
end
