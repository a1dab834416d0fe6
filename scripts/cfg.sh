# shellcheck shell=bash
# cfg.sh: the readers of <testdir>/unittests.cfg (the tests) and
# <testdir>/lanes.cfg (the VMMs they run on). Sourced by run_tests.sh,
# mkstandalone.sh, check.sh and scripts/lanes.sh; only functions, no side
# effects. Both files use one syntax (docs/running-tests.md): "[name]"
# sections of "key = value" lines, values taken literally; '#' starts a
# comment anywhere on a line, so it never reaches VMM arguments or groups.
#
# A test entry is written once. Its `accel` says which VMM kinds it runs on,
# `lanes` optionally narrows that to named lanes, and `bochs_cpu` lists the
# Bochs CPU models it wants: on a Bochs lane it runs once per model the lane
# has, named "<entry>@<model>". A key may be qualified for one kind, lane or
# CPU model: "test_args@ryzen = svm npt", "timeout@bochs = 60"; the most
# specific one wins (model, then lane, then kind, then the plain key).

# The keys; the four that may be qualified; the VMM kinds; the arches.
HVUT_CFG_KEYS="file smp extra_params test_args groups arch accel lanes timeout bochs_cpu migration nmi"
HVUT_CFG_QUALIFIABLE="smp extra_params test_args groups timeout"
HVUT_VMM_KINDS="tcg kvm bochs"
HVUT_ARCHES="x86_64 arm64 riscv64 ppc64"

# hvut_cfg_files FILE: the files an arch's test list is read from. FILE
# itself, and when it is a <testdir>/unittests.cfg, the parts beside it,
# <testdir>/unittests-<part>.cfg, after it in name order (C locale): a long
# list is split by subject (x86: unittests-paging.cfg, ...) so that no file
# grows past what one reads at once. Section names are unique across all.
hvut_cfg_files() {
	local f
	printf '%s\n' "$1"
	case ${1##*/} in unittests.cfg) ;; *) return 0 ;; esac
	for f in "${1%.cfg}"-*.cfg; do
		[ -f "$f" ] && printf '%s\n' "$f"
	done | LC_ALL=C sort
}

# hvut_parse_cfg FILE [KIND [LANE CPUS LANES QUALIFIERS]]: the runs of FILE
# and its parts (hvut_cfg_files) as records of \037-separated fields
#   name file smp extra_params test_args groups arch accel timeout bochs_cpu migration where nmi
# (where: FILE:LINE the entry starts at; nmi last, so readers older than the
# key that end at where with a catch-all variable still work), defaults
# filled in, qualified keys resolved.
#   Without LANE: every entry, for VMM kind KIND (default tcg); entries that
#     are not for KIND stay in (run_tests.sh reports them as SKIP with why).
#     On kind bochs an entry runs once per bochs_cpu word.
#   With LANE: only the runs of lane LANE (kind KIND, CPU models CPUS: on
#     Bochs, the entry's models that the lane has; a QEMU lane's CPUS is its
#     -cpu and plays no part here).
#   LANES: every lane name of the arch (for checking `lanes`), QUALIFIERS:
#     every lane name and CPU model (for checking "key@qualifier"); empty:
#     anything goes besides the kinds and the file's own bochs_cpu words.
# On any error, prints every "FILE:LINE: what" it found and returns 2,
# having printed no record.
# shellcheck disable=SC2016 # awk program, not shell
hvut_parse_cfg() {
	local -a files
	mapfile -t files < <(hvut_cfg_files "$1")
	LC_ALL=C awk -v kind="${2:-tcg}" -v lane="${3:-}" -v lanecpus="${4:-}" \
		-v lanenames="${5:-}" -v quals="${6:-}" -v keys="$HVUT_CFG_KEYS" \
		-v qualifiable="$HVUT_CFG_QUALIFIABLE" -v kinds="$HVUT_VMM_KINDS" -v arches="$HVUT_ARCHES" '
function bad(msg, at) { printf "%s: %s\n", at != "" ? at : FILENAME ":" FNR, msg > "/dev/stderr"; err = 1 }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
# A section or key starts a new entry only in its own file.
FNR == 1 { cur = "" }
function words(s, set,   n, w, i) { n = split(s, w, /[ \t]+/); for (i = 1; i <= n; i++) if (w[i] != "") set[w[i]] = 1 }
function has(list, w) { return index(" " list " ", " " w " ") > 0 }
BEGIN {
	words(keys, known); words(qualifiable, qok); words(kinds, kindok); words(arches, archok)
	words(lanenames, laneok); words(quals, qualok)
	for (k in kindok) qualok[k] = 1
	cur = ""
}
{ sub(/\r$/, ""); sub(/[ \t]*#.*$/, "") }
/^[ \t]*(#.*)?$/ { next }
/^[ \t]*\[/ {
	if ($0 !~ /^[ \t]*\[[A-Za-z0-9_.+-]+\][ \t]*$/) {
		bad("malformed section header (a name is letters, digits, _ . + -)")
		cur = "-"
		next
	}
	s = $0
	sub(/^[ \t]*\[/, "", s)
	sub(/\][ \t]*$/, "", s)
	if (s in seen) {
		bad("duplicate section [" s "] (first at " seen[s] ")")
		cur = "-"
		next
	}
	seen[s] = FILENAME ":" FNR
	order[++n] = s
	cur = s
	next
}
{
	eq = index($0, "=")
	if (eq == 0) { bad("expected \"key = value\", got: " $0); next }
	k = trim(substr($0, 1, eq - 1))
	v = trim(substr($0, eq + 1))
	if (k !~ /^[A-Za-z_][A-Za-z0-9_]*(@[A-Za-z0-9_.+-]+)?$/) { bad("expected \"key = value\", got: " $0); next }
	base = k; q = ""
	if (index(k, "@")) { base = substr(k, 1, index(k, "@") - 1); q = substr(k, index(k, "@") + 1) }
	if (!(base in known)) { bad("unknown key \"" base "\" (known: " keys ")"); next }
	if (q != "" && !(base in qok)) { bad("key \"" base "\" cannot be qualified (only: " qualifiable ")"); next }
	if (cur == "") { bad("key \"" k "\" before any [section]"); next }
	if (cur == "-") next
	if ((cur, k) in val) { bad("duplicate key \"" k "\" in [" cur "]"); next }
	if (base == "smp" && (v !~ /^[0-9]+$/ || v + 0 < 1)) { bad("smp must be a number >= 1, got: " v); next }
	if (base == "timeout" && v !~ /^[0-9]+(\.[0-9]+)?$/) { bad("timeout must be seconds (0 = none), got: " v); next }
	# migration = yes (to the same VMM), no, or a lane: to the QEMU of that lane (cross-version).
	if (base == "migration" && v != "yes" && v != "no" && !(v in laneok)) {
		bad("migration must be yes, no or a lane of lanes.cfg" (lanenames == "" ? "" : " (" lanenames ")") ", got: " v); next
	}
	# nmi = yes: the guest may ask the harness for an NMI (docs/protocol.md "NMI").
	if (base == "nmi" && v != "yes" && v != "no") { bad("nmi must be yes or no, got: " v); next }
	if (v ~ /\037/) { bad("control character in value"); next }
	if (base == "accel" || base == "arch" || base == "lanes" || base == "bochs_cpu") {
		m = split(v, w, /[ \t]+/)
		if (v == "") { bad(base " needs at least one word"); next }
		for (i = 1; i <= m; i++) {
			if (base == "accel" && !(w[i] in kindok)) bad("accel: unknown VMM kind \"" w[i] "\" (known: " kinds ")")
			if (base == "arch" && !(w[i] in archok)) bad("arch: unknown arch \"" w[i] "\" (known: " arches ")")
			if (base == "lanes" && lanenames != "" && !(w[i] in laneok)) bad("lanes: no lane \"" w[i] "\" in lanes.cfg (known: " lanenames ")")
			if (base == "bochs_cpu" && w[i] !~ /^[a-z0-9_]+$/) bad("bochs_cpu: \"" w[i] "\" is not a Bochs CPU model name")
			if (base == "bochs_cpu") qualok[w[i]] = 1
		}
	}
	if (q != "") qat[cur, k] = FILENAME ":" FNR
	val[cur, k] = v
}
function get(t, k, dflt) { return ((t, k) in val) ? val[t, k] : dflt }
# The value of key k for entry t on this lane and model: most specific first.
function pick(t, k, model, dflt) {
	if (model != "" && (t, k "@" model) in val) return val[t, k "@" model]
	if (lane != "" && (t, k "@" lane) in val) return val[t, k "@" lane]
	if ((t, k "@" kind) in val) return val[t, k "@" kind]
	return get(t, k, dflt)
}
function emit(t, name, model) {
	printf "%s\037%s\037%s\037%s\037%s\037%s\037%s\037%s\037%s\037%s\037%s\037%s\037%s\n", name,
		get(t, "file", t ".elf"), pick(t, "smp", model, 1), pick(t, "extra_params", model, ""),
		pick(t, "test_args", model, ""), pick(t, "groups", model, ""), get(t, "arch", ""),
		get(t, "accel", "tcg kvm"), pick(t, "timeout", model, 90), model, get(t, "migration", "no"), seen[t],
		get(t, "nmi", "no")
}
END {
	for (tk in qat) {
		split(tk, p, SUBSEP)
		q = substr(p[2], index(p[2], "@") + 1)
		if (!(q in qualok))
			bad("[" p[1] "] " p[2] ": \"" q "\" is no VMM kind, lane or CPU model", qat[tk])
	}
	for (i = 1; i <= n; i++) {
		t = order[i]
		if ((t, "bochs_cpu") in val && !has(get(t, "accel", "tcg kvm"), "bochs"))
			bad("[" t "] bochs_cpu without bochs in accel", seen[t])
	}
	if (err) exit 2
	for (i = 1; i <= n; i++) {
		t = order[i]
		mine = has(get(t, "accel", "tcg kvm"), kind) && (lane == "" || !((t, "lanes") in val) || has(val[t, "lanes"], lane))
		if (lane != "" && !mine)
			continue
		if (kind != "bochs" || !mine) {
			emit(t, t, "")
			continue
		}
		if (!((t, "bochs_cpu") in val)) {   # the default (first) model of the lane, plain name
			split(lanecpus, lc, /[ \t]+/)
			emit(t, t, lane == "" ? "" : lc[1])
			continue
		}
		m = split(val[t, "bochs_cpu"], w, /[ \t]+/)
		for (j = 1; j <= m; j++)
			if (lane == "" || has(lanecpus, w[j]))
				emit(t, t "@" w[j], w[j])
	}
}' "${files[@]}"
}

# hvut_parse_lanes FILE: the lanes of an arch's lanes.cfg as records of
# \037-separated fields
#   name accel vmm cpu provider runner env about line
# On any error, prints "FILE:LINE: what" for each and returns 2.
#   accel     the VMM kind: tcg, kvm or bochs (what cfg entries select on)
#   vmm       what the guest is told in HVUT_VMM: qemu, bochs or kvm
#   cpu       QEMU: the -cpu model (PROCESSOR); Bochs: the CPU models the lane
#             runs, the first being the default
#   provider  a script (relative to the source dir) that provides the VMM:
#             "<provider> ready|can-setup|setup|bindir|version"; empty: the
#             host's own VMM from PATH
#   runner    a script that runs the whole lane itself instead of
#             run_tests.sh (e.g. KVM inside a nested guest); check.sh calls
#             "<runner> lane ARCH NAME LOGDIR" and reads LOGDIR/states.txt
#   env       NAME=VALUE words exported to the runner for this lane
#             (firmware choices and the like; not the guest's environ)
#   about     one line for `run_tests.sh -L` and docs/lanes.md
# shellcheck disable=SC2016 # awk program, not shell
hvut_parse_lanes() {
	LC_ALL=C awk -v cfg="$1" -v kinds="$HVUT_VMM_KINDS" '
function bad(msg, at) { printf "%s:%d: %s\n", cfg, at ? at : FNR, msg > "/dev/stderr"; err = 1 }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
BEGIN {
	nk = split("accel vmm cpu provider runner env about", K, " ")
	for (i = 1; i <= nk; i++) known[K[i]] = 1
	split(kinds, kk, " "); for (i in kk) kindok[kk[i]] = 1
	vmmok["qemu"] = vmmok["bochs"] = vmmok["kvm"] = 1
}
{ sub(/\r$/, ""); sub(/[ \t]*#.*$/, "") }
/^[ \t]*(#.*)?$/ { next }
/^[ \t]*\[/ {
	s = $0
	if (s !~ /^[ \t]*\[[a-z0-9][a-z0-9_.-]*\][ \t]*$/) { bad("malformed lane header (a name is a-z, 0-9, _ . -)"); cur = "-"; next }
	sub(/^[ \t]*\[/, "", s); sub(/\][ \t]*$/, "", s)
	if (s in seen) { bad("duplicate lane [" s "] (first at line " seen[s] ")"); cur = "-"; next }
	seen[s] = FNR; order[++n] = s; cur = s
	next
}
{
	eq = index($0, "=")
	if (eq == 0) { bad("expected \"key = value\", got: " $0); next }
	k = trim(substr($0, 1, eq - 1)); v = trim(substr($0, eq + 1))
	if (!(k in known)) { bad("unknown key \"" k "\" (known: accel vmm cpu provider runner env about)"); next }
	if (cur == "") { bad("key \"" k "\" before any [lane]"); next }
	if (cur == "-") next
	if ((cur, k) in val) { bad("duplicate key \"" k "\" in [" cur "]"); next }
	if (k == "accel" && !(v in kindok)) { bad("accel must be one of: " kinds); next }
	if (k == "vmm" && !(v in vmmok)) { bad("vmm must be qemu, bochs or kvm"); next }
	if ((k == "provider" || k == "runner") && v !~ /^[A-Za-z0-9_.\/-]+$/) { bad(k " must be a script path"); next }
	if (k == "env") {
		m = split(v, w, /[ \t]+/)
		for (i = 1; i <= m; i++) if (w[i] !~ /^[A-Za-z_][A-Za-z0-9_]*=/) bad("env word \"" w[i] "\" is not NAME=VALUE")
	}
	if (v ~ /\037/) { bad("control character in value"); next }
	val[cur, k] = v
}
function get(t, k, d) { return ((t, k) in val) ? val[t, k] : d }
END {
	for (i = 1; i <= n; i++) {
		t = order[i]
		if (!((t, "accel") in val)) bad("lane [" t "] has no accel", seen[t])
		if (!((t, "vmm") in val)) bad("lane [" t "] has no vmm", seen[t])
	}
	if (err) exit 2
	for (i = 1; i <= n; i++) {
		t = order[i]
		printf "%s\037%s\037%s\037%s\037%s\037%s\037%s\037%s\037%s\n", t, val[t, "accel"], val[t, "vmm"],
			get(t, "cpu", ""), get(t, "provider", ""), get(t, "runner", ""), get(t, "env", ""),
			get(t, "about", ""), seen[t]
	}
}' "$1"
}
