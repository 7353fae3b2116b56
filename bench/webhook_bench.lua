-- wrk script for bench/webhook_bench: every request is a distinct, validly
-- signed Alchemy delivery. args[1] is a file of "signature<TAB>body" lines,
-- args[2] the number of wrk threads; thread k of n sends lines k, k+n, k+2n, ... so no id is sent twice
-- while the file lasts.
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  nthreads = tonumber(args[2])
  items = {}
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    items[#items + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
  end
  next_index = (tid or 0) + 1
end

function request()
  local item = items[(next_index - 1) % #items + 1]
  next_index = next_index + nthreads
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["X-Alchemy-Signature"] = item[1] }, item[2])
end
