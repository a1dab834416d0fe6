#!/usr/bin/env bash
# junit-summary.sh FILE...: the JUnit XML that run_tests.sh --junit writes
# (docs/running-tests.md), as Markdown: one table row per suite with its
# counts, then every test that did not pass with its message. CI appends it to
# the run's summary ($GITHUB_STEP_SUMMARY). A suite is named by the directory
# of its file (check.sh: logs/<lane>/junit.xml) and its own name. Reads only the attributes
# run_tests.sh writes, one element per line; needs nothing but awk.
set -euo pipefail

files=()
for f in "$@"; do [ -f "$f" ] && files+=("$f"); done
if [ ${#files[@]} = 0 ]; then
	echo "No JUnit results (this job runs no guest lane)."
	exit 0
fi

# shellcheck disable=SC2016 # awk program, not shell
awk '
function attr(s, name,   m) {
	if (match(s, " " name "=\"[^\"]*\"")) {
		m = substr(s, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
		gsub(/&quot;/, "\"", m); gsub(/&lt;/, "<", m); gsub(/&gt;/, ">", m); gsub(/&apos;/, "'\''", m)
		gsub(/&amp;/, "\\&", m); gsub(/\|/, "\\|", m)
		return m
	}
	return ""
}
/<testsuite / {
	# check.sh writes logs/<lane>/junit.xml: the lane tells two x86_64 suites apart.
	n = split(FILENAME, p, "/")
	suite = (n > 1 ? p[n - 1] " (" attr($0, "name") ")" : attr($0, "name"))
	row[++ns] = sprintf("| %s | %d | %d | %d | %d | %s |", suite, attr($0, "tests"),
		attr($0, "failures"), attr($0, "errors"), attr($0, "skipped"), attr($0, "time"))
}
/<testcase / { tc = attr($0, "name") }
/<failure / { bad[++nb] = sprintf("| %s | %s | FAIL | %s |", suite, tc, attr($0, "message")) }
/<error / { bad[++nb] = sprintf("| %s | %s | %s | %s |", suite, tc, "TIMEOUT/CRASH", attr($0, "message")) }
END {
	print "### hvut results\n"
	print "| suite | tests | failures | errors | skipped | seconds |"
	print "| --- | --- | --- | --- | --- | --- |"
	for (i = 1; i <= ns; i++) print row[i]
	if (nb) {
		print "\n| suite | test | state | message |"
		print "| --- | --- | --- | --- |"
		for (i = 1; i <= nb; i++) print bad[i]
	} else {
		print "\nNo test failed."
	}
}' "${files[@]}"
