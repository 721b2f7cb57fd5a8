-- A GET workload: the address and the headers come from wrk's command line.
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
done = require("report").done
