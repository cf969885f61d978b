#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line every pcigate subcommand shares (pcigate(1), "SYNOPSIS" and OPTIONS):
# -h/--help, "--opt=value" equal to "--opt value", an unknown option exits 2 naming it in
# the one message format "pcigate: CMD: error: ...", "--" ends the options; the HIGH
# refusal of the serving commands and its --force / policy-entry overrides; inspect's
# lspci-style -s/-d filters; bridges and --fail-on.
# usage: test-cli-opts.sh CASE PCIGATE (one meson test per CASE)
set -u
case_name=${1:?case}
PCIGATE=$(realpath "${2:?pcigate executable}")
DATA=${PG_TESTDATA:?PG_TESTDATA}
CORPUS=${PG_CORPUS:-$DATA/pci-real}
# shellcheck source=cli-lib.sh
. "$(dirname "$0")/cli-lib.sh"

ROOT_PORT=$CORPUS/1022-1414_amd-family-15h-models-10h-1fh-processor-root-por_4096.txt
SAS=$CORPUS/1000-0072_broadcom-lsi-sas2008-pci-express-fusion-mpt-sas_4096.txt
NVME=$CORPUS/1b36-0010_red-hat-qemu-nvm-express-controller_256.txt
HOSTILE=$DATA/hostile/msix-bir-absent.txt      # 1b36:0160, HIGH msix-invalid
CHAIN=$DATA/hostile/ecap-loop-2.txt            # HIGH cap-chain-malformed
for f in "$ROOT_PORT" "$SAS" "$NVME" "$HOSTILE" "$CHAIN"; do
	[ -f "$f" ] || skip "test data missing: $f"
done

# Every command of `pcigate help`, as the binary lists them.
commands() { "$PCIGATE" help | sed -n 's/^  \([a-z-]*\)  .*/\1/p'; }

case "$case_name" in
help)
	n=0
	for c in $(commands); do
		for h in --help -h; do
			run "$c" "$h"
			expect_rc 0; err_empty
			# release shares assign's usage
			want=$c; [ "$c" = release ] && want=assign; [ "$c" = help ] && want=help
			out_has "usage: pcigate $want"
		done
		n=$((n + 1))
	done
	[ "$n" -ge 11 ] || fail "only $n commands listed by 'pcigate help'"
	for a in check lookup; do
		run policy "$a" --help
		expect_rc 0; out_has "usage: pcigate policy"
	done
	run guard arm --help
	expect_rc 0; out_has "usage: pcigate guard"
	;;
unknown)
	# every command names the unknown option, exit 2, one line in the shared format
	for c in $(commands); do
		[ "$c" = help ] && continue
		run "$c" --frobnicate
		expect_rc 2
		err_has "pcigate: $c: error: "; err_has "'--frobnicate'"
		[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$c: more than one error line"
	done
	# a missing value and a value given to a flag name the option too
	for args in "inspect --dump" "view --profile" "session --policy" "dump --sysfs-root" \
		    "serve --device" "launch --memory" "assign --sysfs-root"; do
		# shellcheck disable=SC2086
		run $args
		expect_rc 2; err_has "error: option '${args#* }' needs a value"
	done
	run inspect --json=yes --dump "$SAS"
	expect_rc 2; err_has "pcigate: inspect: error: option '--json' takes no value"; out_empty
	run inspect -x
	expect_rc 2; err_has "unknown option '-x'"
	;;
equal-forms)
	# --opt=value and --opt value: the same output and status
	check_same() {
		local a b
		run "$@"; a=$rc; cp "$tmp/out" "$tmp/out1"; cp "$tmp/err" "$tmp/err1"
		set -- "${@//=/ }"
		# shellcheck disable=SC2068
		run $@; b=$rc
		[ "$a" -eq "$b" ] || fail "'$*': exit $b, with '=' $a"
		cmp -s "$tmp/out" "$tmp/out1" || fail "'$*': stdout differs with '='"
		cmp -s "$tmp/err" "$tmp/err1" || fail "'$*': stderr differs with '='"
	}
	check_same inspect --fail-on=medium --dump="$SAS"
	check_same inspect --short --dump="$SAS" --dump="$NVME"
	check_same inspect --slot=04:00.0 --dump="$SAS"
	check_same view --profile=permissive "$NVME"
	check_same view --transport=qemu72 --profile=device-model "$NVME"
	printf 'r 0x0 4\n' >"$tmp/in"
	run session --profile=permissive "$NVME" <"$tmp/in"; a=$(cat "$tmp/out")
	run session --profile permissive "$NVME" <"$tmp/in"
	[ "$(cat "$tmp/out")" = "$a" ] || fail "session: --profile=P differs from --profile P"
	# and the values are really used
	run inspect --fail-on=info --dump="$SAS"
	expect_rc 1
	run view --profile=root "$NVME"
	expect_rc 2; err_has "--profile 'root'"
	;;
dashdash)
	# after "--" everything is an operand, even what looks like an option
	run inspect -- --dump "$SAS"
	expect_rc 2; err_has "pcigate: inspect: error: '--dump' is not a PCI address"
	cp "$NVME" "$tmp/-nvme.txt"
	(cd "$tmp" && "$PCIGATE" view -- -nvme.txt >"$tmp/out" 2>"$tmp/err"); rc=$?
	expect_rc 0; out_has "00: 36 1b 10 00"
	(cd "$tmp" && "$PCIGATE" view -nvme.txt >"$tmp/out" 2>"$tmp/err"); rc=$?
	expect_rc 2; err_has "unknown option '-n'"
	run dump -- --sysfs-root
	expect_rc 2; err_has "'--sysfs-root' is not a PCI address"
	# options after operands are still options (getopt_long permutes) ...
	run view "$NVME" --profile permissive
	expect_rc 0
	# ... except for launch, whose arguments after "--" are QEMU's
	run launch --device "$NVME" --qemu /nonexistent/qemu --no-memfd -- --frob -x
	out_empty; [ "$rc" -ne 2 ] || fail "launch took QEMU's arguments as its own"
	run launch --device "$NVME" stray -- -x
	expect_rc 2; err_has "unexpected argument 'stray' (QEMU arguments go after '--')"
	;;
subcommands)
	# the second-level commands (policy, guard) and virtio-blk parse with the same helper:
	# --help, one-line unknown-option errors in the shared format naming the command and
	# where help is, "--opt=value" equal to "--opt value", "--" ends the options
	for sub in "policy check" "policy lookup" "policy generate" "guard arm" "guard check" \
		   "guard run" "guard list" "guard allow" "guard quarantine" "guard assign" \
		   "guard reject" "guard generate" "guard softdeps" "virtio-blk"; do
		# shellcheck disable=SC2086
		run $sub --help
		expect_rc 0; err_empty; out_has "usage: pcigate ${sub%% *}"
		# shellcheck disable=SC2086
		run $sub --frobnicate
		expect_rc 2
		err_has "pcigate: $sub: error: unknown option '--frobnicate' (see 'pcigate help ${sub%% *}')"
		[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$sub: more than one error line"
	done
	for args in "guard run --rules" "guard allow --driver" "guard generate --sysfs-root" \
		    "guard softdeps --alias" "virtio-blk --vhost-user" "policy lookup --sysfs-root"; do
		# shellcheck disable=SC2086
		run $args
		expect_rc 2; err_has "pcigate: ${args% *}: error: option '${args##* }' needs a value"
	done
	run guard list --permanent
	expect_rc 2; err_has "pcigate: guard list: error: option '--permanent' is not for 'guard list'"
	# --opt=value as --opt value
	printf 'alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e\n' >"$tmp/alias"
	run guard softdeps --alias="$tmp/alias"
	expect_rc 0; out_has "softdep e1000e pre: pci-stub"
	run guard generate --sysfs-root="$tmp/nosys"
	expect_rc 3; err_has "pcigate: guard generate: error: listing PCI devices"
	run virtio-blk --vhost-user="$tmp/no.sock" --queue-size=64 info
	expect_rc 3; err_has "pcigate: virtio-blk: error: cannot use '$tmp/no.sock'"
	run virtio-blk --queue=9 --vhost-user "$tmp/no.sock" info
	expect_rc 2; err_has "--queue"
	# "--": what follows is an operand even when it looks like an option
	printf 'version: 1\nrules: []\n' >"$tmp/-r.yaml"
	(cd "$tmp" && "$PCIGATE" guard check -- -r.yaml >"$tmp/out" 2>"$tmp/err"); rc=$?
	expect_rc 0; out_has "-r.yaml: ok (0 rules)"
	run guard generate -- --sysfs-root
	expect_rc 2; err_has "pcigate: guard generate: error: unexpected argument '--sysfs-root'"
	run virtio-blk --vhost-user "$tmp/no.sock" -- --packed
	expect_rc 3  # "--packed" is the command now, reached only after connecting
	;;
high-refusal)
	# view, session and serve refuse a device inspect rates HIGH, naming code and why
	run inspect --short --dump "$HOSTILE"
	out_has "HIGH  msix-invalid: "
	for c in view session; do
		run "$c" "$HOSTILE" </dev/null
		expect_rc 3; out_empty
		err_has "pcigate: $c: error: $HOSTILE: refused, \`pcigate inspect\` rates it HIGH (msix-invalid: "
		err_has "--force or a policy entry for the device accepts it"
		run "$c" --force "$HOSTILE" </dev/null
		expect_rc 0
		! grep -q "rates it HIGH" "$tmp/err" || fail "$c --force still refused"
	done
	run view "$CHAIN"
	expect_rc 3; err_has "(cap-chain-malformed: "
	run view --force "$CHAIN"
	expect_rc 0
	# a policy entry naming the device accepts it; one for another device does not
	printf 'version: 1\ndevices:\n  - match: "1b36:0160"\n    profile: guest\n' >"$tmp/p.yaml"
	run view --policy "$tmp/p.yaml" "$HOSTILE"
	expect_rc 0
	printf 'version: 1\ndevices:\n  - match: "8086:15b8"\n    profile: guest\n' >"$tmp/q.yaml"
	run view --policy "$tmp/q.yaml" "$HOSTILE"
	expect_rc 3; err_has "rates it HIGH"
	# serve decides the same before touching its socket (fd 0 here is not one)
	run serve --device "$HOSTILE" --fd 0 --no-sandbox </dev/null
	expect_rc 3; err_has "pcigate: serve: error: $HOSTILE: refused, \`pcigate inspect\` rates it HIGH (msix-invalid: "
	run serve --device "$HOSTILE" --fd 0 --no-sandbox --force </dev/null
	expect_rc 3; ! grep -q "rates it HIGH" "$tmp/err" || fail "serve --force still refused"
	# launch opens every device before QEMU starts: refused before anything runs
	run launch --device "$HOSTILE" --qemu /nonexistent/qemu -- -x
	expect_rc 3; out_empty
	# ... in messages that name the command run (launch), not the server inside it
	err_has "pcigate: launch: error: $HOSTILE: refused, \`pcigate inspect\` rates it HIGH (msix-invalid: "
	run launch --device "$HOSTILE" --force --no-sandbox --qemu /nonexistent/qemu -- -x
	err_has "cannot run /nonexistent/qemu"
	! grep -q "rates it HIGH" "$tmp/err" || fail "launch --force still refused"
	# a clean device is served without --force
	run view "$NVME"
	expect_rc 0; ! grep -q "rates it HIGH" "$tmp/err" || fail "a clean device refused"
	# bridges stay refused by the mediator, --force or not
	run view --force "$ROOT_PORT"
	expect_rc 3; err_has "not an endpoint"
	;;
filters)
	# lspci's -s and -d over a dump of three devices: 04:00.0 SAS (1000:0072, 0107),
	# 00:04.0 root port (1022:1414, 0604), 01:00.0 NVMe (1b36:0010, 0108)
	{ cat "$SAS"; echo; cat "$ROOT_PORT"; echo; cat "$NVME"; } >"$tmp/multi.txt"
	sel() { # sel ARGS... EXPECTED-IDS: --short lines' IDs, in order
		local want=${*: -1}
		run inspect --short "${@:1:$#-1}" --dump "$tmp/multi.txt"
		expect_rc 0
		got=$(grep -o '\[[0-9a-f]*:[0-9a-f]*\]' "$tmp/out" | tr -d '[]' | tr '\n' ' ')
		[ "$got" = "$want" ] || fail "inspect $*: got '$got', want '$want'"
	}
	sel "1000:0072 1022:1414 1b36:0010 "
	sel -s 04:00.0 "1000:0072 "
	sel -s 0:04.0 "1022:1414 "
	sel -s 0000:01:00.0 "1b36:0010 "
	sel -s 04: "1000:0072 "
	sel -s 4 "1022:1414 "
	sel -s .0 "1000:0072 1022:1414 1b36:0010 "
	sel -s '*:*.*' "1000:0072 1022:1414 1b36:0010 "
	sel -s 05: ""
	sel -d 1000: "1000:0072 "
	sel -d :1414 "1022:1414 "
	sel -d ::0604 "1022:1414 "
	sel -d 1b36:0010:0108 "1b36:0010 "
	sel -d '*:*:0108' "1b36:0010 "
	sel --id=1b36: --slot=01: "1b36:0010 "
	sel -d 1b36: -s 04: ""
	for bad in "-s 1:2:3:4" "-s 100:" "-s .8" "-s 20" "-s zz" "-d 8086" "-d 10000:" \
		   "-d :1:2:3" "-d 1:x"; do
		# shellcheck disable=SC2086
		run inspect $bad --dump "$tmp/multi.txt"
		expect_rc 2; err_has "pcigate: inspect: error: ${bad% *} '${bad#* }': not "
		out_empty
	done
	# a filtered-out device does not count for --fail-on
	run inspect --fail-on high -d 1000: --dump "$tmp/multi.txt"
	expect_rc 0
	run inspect --fail-on high -d 1022: --dump "$tmp/multi.txt"
	expect_rc 1
	;;
bridges)
	# enumerating a machine: bridges are reported, do not count for --fail-on unless
	# --fail-on-bridges; named ones always count
	s=$tmp/sys
	for spec in "0000:00:00.0 060000 00 none" "0000:00:1c.0 060400 01 4"; do
		set -- $spec
		mkdir -p "$s/devices/pci0000:00/$1" "$s/bus/pci/devices"
		python3 - "$s/devices/pci0000:00/$1/config" "$2" "$3" <<'PY'
import struct, sys
b = bytearray(256)
cls, hdr = int(sys.argv[2], 16), int(sys.argv[3], 16)
struct.pack_into('<HHBBBB', b, 0, 0x8086, 0x1234, 0, 0, (cls >> 8) & 0xff, cls >> 16)
b[0x0e] = hdr
open(sys.argv[1], 'wb').write(bytes(b))
PY
		: >"$s/devices/pci0000:00/$1/resource"
		ln -s "../../../devices/pci0000:00/$1" "$s/bus/pci/devices/$1"
	done
	run inspect --sysfs-root "$s" --short --fail-on high
	expect_rc 0; out_has "0000:00:1c.0"; out_has "HIGH  bridge: "
	run inspect --sysfs-root "$s" --short --fail-on high --fail-on-bridges
	expect_rc 1
	run inspect --sysfs-root "$s" --short --fail-on high 00:1c.0
	expect_rc 1
	run inspect --fail-on high --dump "$ROOT_PORT"
	expect_rc 1
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
