# shellcheck shell=bash disable=SC2154 # run_tests.sh's globals
# suite-report.sh: run_tests.sh's reports (TAP, JUnit), written after the run
# from R_STATE and the logs. Sourced by run_tests.sh; functions only.

# --- reports ------------------------------------------------------------------------------
# Both reports are one awk pass over a manifest (one line per selected test,
# in cfg order: name state detail microseconds failures log), reading the logs
# with getline: a process per test would cost more than the report.
write_manifest() {
	local i
	for i in "${selected[@]}"; do
		printf '%s\037%s\037%s\037%s\037%s\037%s\n' "${T_NAME[i]}" "${R_STATE[i]:-CRASH}" \
			"${R_DETAIL[i]:-no verdict}" "${R_US[i]:-0}" "${R_NFAIL[i]:-0}" "$logdir/${T_NAME[i]}.log"
	done >"$tmp/manifest"
}

# TAP: one line per assertion, then a line for a verdict the assertions do
# not show (TIMEOUT, CRASH, FAIL by a reserved status, a test never started).
# '#' and '\' are escaped: an unescaped '#' starts a directive.
# shellcheck disable=SC2016 # awk program, not shell
TAP_AWK='
function esc(s) { gsub(/[^ -~]/, "?", s); gsub(/\\/, "\\\\", s); gsub(/#/, "\\#", s); return s }
function out(s) { lines[++n] = s }
BEGIN { FS = "\037" }
{
	name = $1; state = $2; detail = $3; lf = $6
	nlines = 0; nf = 0
	while ((getline line < lf) > 0) {
		if (line !~ /^(PASS|FAIL|SKIP|XFAIL|XPASS): /)
			continue
		kind = substr(line, 1, index(line, ":") - 1)
		text = substr(line, index(line, ":") + 2)
		sub(/[ \t\r]+$/, "", text)
		d = esc(name ": " text)
		if (kind == "PASS") out("ok %d - " d)
		else if (kind == "FAIL") { out("not ok %d - " d); nf++ }
		else if (kind == "SKIP") out("ok %d - " d " # SKIP " esc(text))
		else if (kind == "XFAIL") out("not ok %d - " d " # TODO known bug")
		else { out("not ok %d - " d " (XPASS: the known bug did not show up)"); nf++ }
		nlines++
	}
	close(lf)
	if (state == "TIMEOUT" || state == "CRASH")
		out("not ok %d - " esc(name ": " state " (" detail ")"))
	else if (state == "FAIL" && nf == 0)
		out("not ok %d - " esc(name ": FAIL (" detail ")"))
	else if (nlines == 0 && state == "SKIP")
		out("ok %d - " esc(name) " # SKIP " esc(detail))
	else if (nlines == 0)
		out("ok %d - " esc(name ": " state " (" detail ")"))
}
END {
	print "TAP version 13"
	print "1.." n
	for (i = 1; i <= n; i++) {
		gsub(/%/, "%%", lines[i])
		sub(/%%d/, "%d", lines[i])
		printf lines[i] "\n", i
	}
}'

write_tap() { LC_ALL=C awk "$TAP_AWK" "$tmp/manifest"; }

# JUnit: one <testsuite> for the arch. Console text becomes XML 1.0: every
# byte outside tab and printable ASCII (control bytes XML forbids, and
# non-ASCII that may not even be UTF-8) turns into '?', then & < > " are escaped.
# shellcheck disable=SC2016 # awk program, not shell
JUNIT_AWK='
function x(s) {
	gsub(/[^\t -~]/, "?", s)
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s)
	return s
}
function secs(us) { return sprintf("%d.%03d", int(us / 1000000), int(us % 1000000 / 1000)) }
BEGIN { FS = "\037" }
{ rec[++n] = $0; c[$2]++ }
END {
	print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	print "<testsuites>"
	printf "  <testsuite name=\"hvut.%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%s\">\n",
		x(arch), n, c["FAIL"], c["TIMEOUT"] + c["CRASH"], c["SKIP"], secs(total_us)
	for (i = 1; i <= n; i++) {
		split(rec[i], f, "\037")
		name = f[1]; state = f[2]; detail = f[3]; lf = f[6]
		printf "    <testcase classname=\"hvut.%s\" name=\"%s\" time=\"%s\">\n", x(arch), x(name), secs(f[4])
		if (state == "FAIL") {
			printf "      <failure message=\"%s\">", (f[5] > 0 ? f[5] " failed" : x(detail))
			while ((getline line < lf) > 0)
				if (line ~ /^(FAIL|XPASS): /)
					print x(line)
			close(lf)
			print "</failure>"
		} else if (state == "TIMEOUT" || state == "CRASH")
			printf "      <error message=\"%s\"/>\n", x(state " (" detail ")")
		else if (state == "SKIP")
			printf "      <skipped message=\"%s\"/>\n", x(detail)
		printf "      <system-out>"
		while ((getline line < lf) > 0)
			print x(line)
		close(lf)
		print "</system-out>"
		print "    </testcase>"
	}
	print "  </testsuite>"
	print "</testsuites>"
}'

write_junit() { LC_ALL=C awk -v arch="$ARCH" -v total_us="$suite_us" "$JUNIT_AWK" "$tmp/manifest"; }

