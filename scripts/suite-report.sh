# shellcheck shell=bash disable=SC2154 # run_tests.sh's globals
# suite-report.sh: run_tests.sh's reports (states file, TAP, JUnit, JSON, the
# summary line) and its exit status, all after the run and all from R_STATE
# (suite-verdict.sh) and this run's logs. Sourced by run_tests.sh.

# --- reports ------------------------------------------------------------------------------
# Each report is one awk pass over a manifest (one line per selected test,
# in cfg order: name state detail microseconds first-failure log), reading the
# logs with getline: a process per test would cost more than the report. A
# test that did not run this time has no log in it: an older log is never read.
write_manifest() {
	local i
	for i in "${selected[@]}"; do
		printf '%s\037%s\037%s\037%s\037%s\037%s\n' "${T_NAME[i]}" "${R_STATE[i]}" \
			"${R_DETAIL[i]}" "${R_US[i]:-0}" "${R_FIRSTFAIL[i]:-}" "${R_LOG[i]:-/nonexistent}"
	done >"$tmp/manifest"
}

# TAP: one line per assertion, then a line for a verdict the assertions do
# not show (TIMEOUT, CRASH, INTERRUPTED, XFAIL, FAIL by a reserved status, a
# test not started).
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
	if (state == "TIMEOUT" || state == "CRASH" || state == "INTERRUPTED")
		out("not ok %d - " esc(name ": " state " (" detail ")"))
	else if (state == "FAIL" && nf == 0)
		out("not ok %d - " esc(name ": FAIL (" detail ")"))
	else if (state == "XFAIL")
		out("not ok %d - " esc(name ": XFAIL (" detail ")") " # TODO no assertion passed")
	else if (state == "NOTRUN")
		out("ok %d - " esc(name) " # SKIP " esc(detail))
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
		x(arch), n, c["FAIL"], c["TIMEOUT"] + c["CRASH"] + c["INTERRUPTED"], c["SKIP"] + c["XFAIL"] + c["NOTRUN"], secs(total_us)
	for (i = 1; i <= n; i++) {
		split(rec[i], f, "\037")
		name = f[1]; state = f[2]; detail = f[3]; lf = f[6]
		printf "    <testcase classname=\"hvut.%s\" name=\"%s\" time=\"%s\">\n", x(arch), x(name), secs(f[4])
		if (state == "FAIL") {
			printf "      <failure message=\"%s\">", x(f[5] != "" ? f[5] : detail)
			while ((getline line < lf) > 0)
				if (line ~ /^(FAIL|XPASS): /)
					print x(line)
			close(lf)
			print "</failure>"
		} else if (state == "TIMEOUT" || state == "CRASH" || state == "INTERRUPTED")
			printf "      <error message=\"%s\"/>\n", x(state " (" detail ")")
		else if (state == "SKIP" || state == "NOTRUN")
			printf "      <skipped message=\"%s\"/>\n", x(detail)
		else if (state == "XFAIL")
			printf "      <skipped message=\"%s\"/>\n", x("XFAIL: " detail)
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

# JSON for dashboards: the run (arch, accelerator, VMM and version, counts)
# and per test its state, detail, duration and every assertion as kind,
# prefix (the report_prefix_push() stack: all but the text after the last
# ": ") and text. Strings are ASCII: other bytes become '?'.
# shellcheck disable=SC2016 # awk program, not shell
JSON_AWK='
function j(s) {
	gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); gsub(/[^ -~]/, "?", s)
	return "\"" s "\""
}
function secs(us) { return sprintf("%d.%06d", int(us / 1000000), us % 1000000) }
BEGIN { FS = "\037"; ORS = "" }
{
	name = $1; state = $2; c[state]++
	t = sprintf("{\"name\":%s,\"state\":%s,\"detail\":%s,\"duration_s\":%s,\"first_failure\":%s,\"assertions\":[",
		j(name), j(state), j($3), secs($4), j($5))
	na = 0
	while ((getline line < $6) > 0) {
		if (line !~ /^(PASS|FAIL|SKIP|XFAIL|XPASS): /)
			continue
		kind = substr(line, 1, index(line, ":") - 1)
		rest = substr(line, length(kind) + 3)
		prefix = ""; text = rest
		if (match(rest, /.*: /)) { prefix = substr(rest, 1, RLENGTH - 2); text = substr(rest, RLENGTH + 1) }
		t = t (na++ ? "," : "") sprintf("{\"kind\":%s,\"prefix\":%s,\"text\":%s}", j(kind), j(prefix), j(text))
	}
	close($6)
	tests[++n] = t "]}"
}
END {
	print "{\"arch\":" j(arch) ",\"accel\":" j(accel) ",\"vmm\":" j(vmm) ",\"vmm_version\":" j(vmmver)
	print ",\"cpu\":" j(cpu) ",\"interrupted\":" (interrupted ? "true" : "false") ",\"duration_s\":" secs(total_us)
	print ",\"counts\":{"
	ns = split(states, S, " ")
	for (i = 1; i <= ns; i++) print (i > 1 ? "," : "") j(S[i]) ":" (c[S[i]] + 0)
	print "},\"tests\":[\n"
	for (i = 1; i <= n; i++) print tests[i] (i < n ? ",\n" : "\n")
	print "]}\n"
}'

write_json() {
	hvut_cpu_model "$ARCH"
	LC_ALL=C awk -v arch="$ARCH" -v accel="$ACCEL" -v vmm="$HVUT_VMM" -v vmmver="$HVUT_VMM_VERSION" \
		-v cpu="$HVUT_CPU" -v interrupted="$interrupted" -v total_us="$suite_us" -v states="$SUITE_STATES" \
		"$JSON_AWK" "$tmp/manifest"
}

# write_atomically FILE CMD...: CMD's output replaces FILE only once complete.
write_atomically() {
	local f=$1
	shift
	"$@" >"$f.tmp.$$" && mv -f -- "$f.tmp.$$" "$f"
}

# suite_finish: every report from R_STATE, then the summary line and the
# exit status. A second signal now must not cut a report short.
suite_finish() {
	local i dname stale=() summary s
	trap '' INT TERM HUP
	for i in "${selected[@]}"; do
		[ "${R_STATE[i]:-}" = NOTRUN ] && stale+=("$logdir/${T_NAME[i]}.log")
	done
	[ ${#stale[@]} = 0 ] || rm -f -- "${stale[@]}"
	# The durations of this run's tests, for the next run's schedule.
	for i in "${selected[@]}"; do
		[ "${R_US[i]:-0}" -gt 0 ] && last_us["${T_NAME[i]}"]=${R_US[i]}
	done
	for dname in "${!last_us[@]}"; do echo "$dname ${last_us[$dname]}"; done >"$tmp/durations"
	mv -f "$tmp/durations" "$durations"
	# One "name STATE" line per selected test, for scripts (make check).
	for i in "${selected[@]}"; do echo "${T_NAME[i]} ${R_STATE[i]}"; done >"$tmp/states"
	mv -f "$tmp/states" "$logdir/states.txt"
	write_manifest
	[ "$tap" = 0 ] || write_tap
	[ -z "$junit" ] || write_atomically "$junit" write_junit
	[ -z "$json" ] || write_atomically "$json" write_json
	summary="hvut: $total tests:"
	for s in $SUITE_STATES; do
		case $s in INTERRUPTED | NOTRUN) [ "${count[$s]}" = 0 ] && continue ;; esac
		summary+=" ${count[$s]} $s,"
	done
	hvut_us_secs "$suite_us"
	say "${summary%,} ($HVUT_SECS s)"
	[ "$interrupted" = 0 ] || exit 130
	[ $((count[FAIL] + count[TIMEOUT] + count[CRASH])) -eq 0 ]
}
