#!/usr/bin/env bash
# `meson install` into a DESTDIR puts every file a user needs where the docs say (README,
# "Installing"): the binary, both man pages, docs/serve.md, the example policies under
# SYSCONFDIR/pcigate (each valid), the bash completion (covering every command and option
# the binary prints) and the pcigate-serve@.service template (pointing at the installed
# binary; `systemd-analyze verify` finds nothing wrong when it is available).
# usage: test-install.sh BUILDDIR
set -uo pipefail
build=${1:?usage: test-install.sh BUILDDIR}
fail=0
bad() { echo "FAIL: $*"; fail=1; }

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
if ! meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$dest.log" 2>&1; then
	cat "$dest.log"; rm -f "$dest.log"; echo "FAIL: meson install"; exit 1
fi
rm -f "$dest.log"

# Install directories as configured (absolute; meson makes sysconfdir /etc for prefix /usr).
eval "$(meson introspect "$build" --buildoptions | python3 -c '
import json, os, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
p = o["prefix"]
for k in ("bindir", "mandir", "datadir", "sysconfdir", "libdir", "includedir"):
    print("%s=%s" % (k, os.path.join(p, o[k])))
for k, d in (("systemdunitdir", os.path.join(p, "lib/systemd/system")),
             ("bashcompletiondir", os.path.join(p, o["datadir"], "bash-completion/completions"))):
    v = o.get(k, "")
    print("%s=%s" % (k, os.path.join(p, v) if v else d))
')"

expect=(
	"$bindir/pcigate"
	"$mandir/man1/pcigate.1"
	"$mandir/man5/pcigate-policy.5"
	"$datadir/doc/pcigate/serve.md"
	"$datadir/doc/pcigate/json-schema.md"
	"$sysconfdir/pcigate/policy.yaml"
	"$sysconfdir/pcigate/example-nic.yaml"
	"$sysconfdir/pcigate/example-stubdom.yaml"
	"$bashcompletiondir/pcigate"
	"$systemdunitdir/pcigate-serve@.service"
	"$libdir/libpcigate.so.0"
	"$libdir/pkgconfig/pcigate.pc"
	"$includedir/pcigate/pcigate.h"
	"$mandir/man8/pcigate-guard.8"
	"$mandir/man5/pcigate-guard-rules.5"
	"$systemdunitdir/pcigate-guard.service"
	"$sysconfdir/pcigate/guard/rules.yaml"
	"$datadir/initramfs-tools/scripts/init-top/pcigate-guard"
	"$datadir/initramfs-tools/hooks/pcigate-guard"
)
for f in "${expect[@]}"; do
	[ -s "$dest$f" ] || bad "$f is not installed (or empty)"
done
[ "$fail" = 0 ] || { find "$dest" -type f | sed "s|^$dest||" | sort; exit 1; }

bin="$dest$bindir/pcigate"
[ -x "$bin" ] || bad "$bindir/pcigate is not executable"
"$bin" --version >/dev/null || bad "installed pcigate --version failed"
grep -q '^\.TH' "$dest$mandir/man1/pcigate.1" || bad "pcigate.1 is not a man page"
grep -q '^\.TH' "$dest$mandir/man5/pcigate-policy.5" || bad "pcigate-policy.5 is not a man page"

# Example policies: every installed .yaml is valid.
for f in "$dest$sysconfdir"/pcigate/*.yaml; do
	"$bin" policy check "$f" >/dev/null || bad "example policy ${f#"$dest"} is invalid"
done

# pcigate guard: the shipped rule file is valid; its unit runs the installed binary.
"$bin" guard check "$dest$sysconfdir/pcigate/guard/rules.yaml" >/dev/null ||
	bad "the installed guard rules are invalid"
grep -q "^ExecStart=$bindir/pcigate guard run --rules $sysconfdir/pcigate/guard/rules.yaml " \
	"$dest$systemdunitdir/pcigate-guard.service" || bad "pcigate-guard.service ExecStart"

# systemd unit: placeholders substituted, ExecStart is the installed binary.
unit="$dest$systemdunitdir/pcigate-serve@.service"
! grep -n '@[a-z]*@' "$unit" || bad "unsubstituted placeholder in the unit"
grep -q "^ExecStart=$bindir/pcigate serve --device %I --socket " "$unit" ||
	bad "ExecStart does not run $bindir/pcigate serve"
if command -v systemd-analyze >/dev/null; then
	# A container without a running systemd has no sysinit.target: that line is expected.
	out=$(systemd-analyze verify --man=no --root="$dest" "$systemdunitdir/pcigate-serve@.service" 2>&1 |
		grep -v 'sysinit.target not found')
	[ -z "$out" ] || bad "systemd-analyze verify: $out"
	out=$(systemd-analyze verify --man=no --root="$dest" "$systemdunitdir/pcigate-guard.service" 2>&1 |
		grep -v 'sysinit.target not found')
	[ -z "$out" ] || bad "systemd-analyze verify (pcigate-guard.service): $out"
else
	echo "note: systemd-analyze not found, unit not verified"
fi

# Bash completion: parses, completes commands and options, and knows every command and
# every option the binary documents.
comp="$dest$bashcompletiondir/pcigate"
bash -n "$comp" || bad "completion has a syntax error"
complete_words() { # WORD... (the last one is being completed)
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pcigate; echo "${COMPREPLY[*]}"' \
		_ "$comp" "$@"
}
[ "$(complete_words pcigate insp)" = inspect ] || bad "completion of 'pcigate insp': '$(complete_words pcigate insp)'"
[ "$(complete_words pcigate view --prof)" = --profile ] || bad "completion of 'view --prof'"
[ "$(complete_words pcigate serve --profile dev)" = device-model ] || bad "completion of '--profile dev'"
cmds=$("$bin" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}')
[ -n "$cmds" ] || bad "no commands in pcigate --help"
for c in $cmds; do
	case " $(complete_words pcigate '') " in *" $c "*) ;; *) bad "completion lacks command $c" ;; esac
	[ "$c" = help ] && continue
	for o in $("$bin" help "$c" | grep -oE '(^|[ [(])--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+' | sort -u); do
		grep -qF -- "$o" "$comp" || bad "completion lacks $c option $o"
	done
done

[ "$fail" = 0 ] && echo "ok: ${#expect[@]} files installed and checked"
exit "$fail"
