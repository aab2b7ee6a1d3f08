#!/usr/bin/env bash
# The namespace test fleet: hosts reachable over SSH only through the bridge,
# each with its own /nix, shaped links, two fleets side by side, and nothing of
# a fleet left after fleet-down, or after a fleet-up that failed midway; sites
# joined by a router over slower links (--site-link); per-host cgroups.
set -euo pipefail
source "$(dirname "$0")/fleet.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
fleet_on_exit "rm -rf '$work'"

# What of fleet NAME is still there: namespaces, processes in them, its
# directory, its cgroup.
cgroup_root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
fleet_leftovers() {
  local name=$1 dir=$2 ns
  for ns in $(ip netns list | awk '{print $1}'); do
    if [[ $ns =~ ^"$name"-(net|router|deployer|h[0-9]+)$ ]]; then
      echo "namespace $ns (pids: $(ip netns pids "$ns" | xargs))"
    fi
  done
  [[ ! -e $dir ]] || echo "directory $dir"
  [[ -z $cgroup_root || ! -e $cgroup_root/shoal-fleet-$name ]] || echo "cgroup $cgroup_root/shoal-fleet-$name"
}

fleet_start 2 20mbit --sites 2 --racks 1
first_name=$FLEET_NAME first_dir=$FLEET_DIR
read -r h1 h2 <<<"$FLEET_ADDRESSES"
# shellcheck disable=SC2086 # the options are words
ssh_to() { in_deployer ssh $FLEET_SSH_OPTIONS "root@$1" "${@:2}"; }

[[ $(ssh_to "$h1" nix-store --version) == "nix-store (Nix) "* ]] || fail "nix-store not reachable on $h1"
grep -q "^$h2 ssh-ed25519 " "$FLEET_KNOWN_HOSTS" || fail "known_hosts lacks $h2"
# The inventory is one shoal reads, with the hosts spread over the sites.
inventory=$("$SHOAL" inventory check --json "$FLEET_INVENTORY")
[[ $(jq -r '[.hosts[] | "\(.address) \(.site)"] | join(",")' <<<"$inventory") == "$h1 site1,$h2 site2" ]] ||
  fail "shoal reads the inventory as: $inventory"
if ip netns exec "$FLEET_NAME-h1" ip route | grep -q default; then fail "host has a default route"; fi
# Each host's sshd runs in the host's own cgroup, where fleet-up could make one.
if [[ -n $FLEET_CGROUP ]]; then
  grep -qx "$(cat "$FLEET_DIR/hosts/h1/sshd.pid")" "$FLEET_CGROUP/h1/cgroup.procs" ||
    fail "h1's sshd is not in $FLEET_CGROUP/h1"
  grep -q '^usage_usec ' "$FLEET_CGROUP/h1/cpu.stat" || fail "no CPU count in $FLEET_CGROUP/h1"
fi

# Per-host stores: a path copied into h1 is on h1 only.
echo "fleet test $$ $RANDOM" >"$work/copied.txt"
copied=$(nix-store --add "$work/copied.txt" 2>/dev/null)
fleet_on_exit "nix-store --delete '$copied' >/dev/null 2>&1"
NIX_SSHOPTS=$FLEET_SSH_OPTIONS in_deployer nix-copy-closure --to "root@$h1" "$copied" 2>/dev/null
ssh_to "$h1" nix-store -q --hash "$copied" >/dev/null || fail "$copied not on $h1 after nix-copy-closure"
if ssh_to "$h2" nix-store -q --hash "$copied" 2>/dev/null; then fail "$copied leaked to $h2"; fi
# ... and a path made on h1 is neither on h2 nor in this machine's store.
made=$(ssh_to "$h1" "echo made on h1 $$ $RANDOM >/tmp/fleet-made-$$ && nix-store --add /tmp/fleet-made-$$ && rm /tmp/fleet-made-$$" 2>/dev/null)
[[ $made == /nix/store/* ]] || fail "could not add a path on $h1"
if ssh_to "$h2" nix-store -q --hash "$made" 2>/dev/null; then fail "$made leaked to $h2"; fi
if nix-store -q --hash "$made" 2>/dev/null; then fail "$made leaked into the machine's /nix/store"; fi
[[ ! -e $made ]] || fail "$made exists in the machine's /nix/store"

# Shaping: 5 MB over a 20 Mbit/s link take at least 2 s.
head -c 5000000 /dev/urandom >"$work/payload"
start=$(date +%s%N)
ssh_to "$h1" "cat >/dev/null" <"$work/payload"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
((elapsed_ms >= 1800)) || fail "5 MB crossed a 20mbit link in ${elapsed_ms} ms: not shaped"
# (Whole outputs, not `| grep -q`: grep's early exit would fail the pipeline.)
qdiscs() { ip netns exec "$1" tc qdisc show dev "$2"; }
[[ $(qdiscs "$FLEET_NAME-h1" eth0) == *"tbf "*"rate 20Mbit"* ]] || fail "no tbf on h1"
[[ $(qdiscs "$FLEET_NAME-net" h1) == *"tbf "*"rate 20Mbit"* ]] || fail "no tbf on bridge side"
[[ $(qdiscs "$FLEET_NAME-h1" eth0) == *"pfifo 10: parent 1:1 limit 256p"* ]] ||
  fail "no 256-packet queue behind h1's tbf: $(qdiscs "$FLEET_NAME-h1" eth0)"

# A second fleet coexists on its own subnet; --disk gives its host a file
# system of its own for /nix and /var/tmp.
fleet_start 1 "" --disk 1G
[[ $FLEET_SUBNET != $(grep FLEET_SUBNET= "$first_dir/fleet.env" | cut -d= -f2) ]] || fail "fleets share a subnet"
[[ $(ssh_to "$FLEET_ADDRESSES" nix-store --version) == "nix-store (Nix) "* ]] || fail "second fleet unreachable"
# (Bind mounts of its subdirectories: SOURCE reads /dev/loopN[/h1/nix], MAJ:MIN is the device's.)
[[ $(ssh_to "$FLEET_ADDRESSES" findmnt -n -o SOURCE --target /nix/store) == /dev/loop* ]] ||
  fail "--disk: the host's /nix is not on a loop device"
disk=$(ssh_to "$FLEET_ADDRESSES" findmnt -n -o MAJ:MIN --target /nix/store)
[[ $(ssh_to "$FLEET_ADDRESSES" findmnt -n -o MAJ:MIN --target /var/tmp) == "$disk" ]] ||
  fail "--disk: the host's /var/tmp is not on its own disk"
[[ $(findmnt -n -o MAJ:MIN --target /nix/store) != "$disk" ]] || fail "--disk: the machine's /nix moved"
second_name=$FLEET_NAME second_dir=$FLEET_DIR

# fleet-down removes everything, twice in a row without complaint.
sshd_pids=$(cat "$first_dir"/hosts/h*/sshd.pid)
"$fleet_scripts/fleet-down" --name "$first_name" --dir "$first_dir"
"$fleet_scripts/fleet-down" --name "$first_name" --dir "$first_dir"
left=$(fleet_leftovers "$first_name" "$first_dir")
[[ -z $left ]] || fail "after fleet-down: $left"
for pid in $sshd_pids; do
  if [[ -d /proc/$pid ]] && ! grep -q '^State:.*Z' "/proc/$pid/status"; then fail "sshd $pid still runs"; fi
done
if [[ -z $(fleet_leftovers "$second_name" "$second_dir") ]]; then fail "fleet-down of one fleet took the other down"; fi
[[ $(ssh_to "$FLEET_ADDRESSES" echo alive) == alive ]] || fail "second fleet died with the first"

# A fleet-up that fails midway tears down what it built.
mkdir -p "$work/bin"
printf '#!/bin/sh\necho "tc: refused by the test" >&2\nexit 1\n' >"$work/bin/tc"
chmod +x "$work/bin/tc"
broken=st$$-broken
fleet_on_exit "'$fleet_scripts/fleet-down' --name $broken --dir '$work/broken'"
if PATH=$work/bin:$PATH "$fleet_scripts/fleet-up" --name "$broken" --hosts 2 --bandwidth 10mbit \
  --dir "$work/broken" >/dev/null 2>"$work/broken.err"; then
  fail "fleet-up succeeded without tc"
fi
grep -q "refused by the test" "$work/broken.err" || fail "fleet-up hid tc's error: $(cat "$work/broken.err")"
left=$(fleet_leftovers "$broken" "$work/broken")
[[ -z $left ]] || fail "after a failed fleet-up: $left"

# --site-link: sites on their own bridges, joined by a router over slower links;
# the deployer on its own link to the router.
fleet_start 4 20mbit --sites 2 --racks 1 --site-link 5mbit
read -r h1 h2 h3 _ <<<"$FLEET_ADDRESSES"
grep -q '^  site2: { uplink: 5mbit }$' "$FLEET_INVENTORY" || fail "no site uplink in $FLEET_INVENTORY"
"$SHOAL" inventory check "$FLEET_INVENTORY" >/dev/null || fail "shoal refuses $FLEET_INVENTORY"
[[ $(qdiscs "$FLEET_ROUTER_NS" site1) == *"tbf "*"rate 5Mbit"* ]] || fail "no tbf on the router's site link"
[[ $(qdiscs "$FLEET_NAME-net" up2) == *"tbf "*"rate 5Mbit"* ]] || fail "no tbf on site2's side"
# 2.5 MB: within site1 (h1 to h3) at 20 Mbit/s, to site2 (h1 to h2) at 5 Mbit/s.
head -c 2500000 /dev/urandom >"$work/payload"
timed_copy_ms() { # timed_copy_ms FROM-NAMESPACE TO-ADDRESS
  local start
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  ip netns exec "$1" ssh $FLEET_SSH_OPTIONS "root@$2" "cat >/dev/null" <"$work/payload"
  echo $((($(date +%s%N) - start) / 1000000))
}
in_site=$(timed_copy_ms "$FLEET_NAME-h1" "$h3")
across=$(timed_copy_ms "$FLEET_NAME-h1" "$h2")
from_deployer=$(timed_copy_ms "$FLEET_DEPLOYER_NS" "$h1")
((in_site < 3000)) || fail "2.5 MB within a site took $in_site ms: the hosts' link is 20mbit"
((across >= 3600)) || fail "2.5 MB between sites took $across ms: not through the 5mbit site link"
((from_deployer >= 3600)) || fail "2.5 MB from the deployer took $from_deployer ms: not through the site link"
# Within a site hosts talk directly, across sites through the router.
router_mac=$(ip -n "$FLEET_ROUTER_NS" -j link show site1 | jq -r '.[0].address')
[[ $(ip -n "$FLEET_NAME-h1" -j neigh show "$h2" | jq -r '.[0].lladdr') == "$router_mac" ]] ||
  fail "h1 does not reach $h2 through the router"
[[ $(ip -n "$FLEET_NAME-h1" -j neigh show "$h3" | jq -r '.[0].lladdr') != "$router_mac" ]] ||
  fail "h1 reaches $h3, in its own site, through the router"
sitelink_name=$FLEET_NAME sitelink_dir=$FLEET_DIR
"$fleet_scripts/fleet-down" --name "$sitelink_name" --dir "$sitelink_dir"
left=$(fleet_leftovers "$sitelink_name" "$sitelink_dir")
[[ -z $left ]] || fail "after fleet-down of a --site-link fleet: $left"

# fleet-down of a --disk fleet unmounts its file system and frees the loop device.
"$fleet_scripts/fleet-down" --name "$second_name" --dir "$second_dir"
left=$(fleet_leftovers "$second_name" "$second_dir")
[[ -z $left ]] || fail "after fleet-down of a --disk fleet: $left"
! findmnt -n "$second_dir/hosts/h1" >/dev/null || fail "fleet-down left $second_dir/hosts/h1 mounted"
wait_for 10 eval '[[ -z $(losetup -a | grep -F "$second_dir/") ]]' ||
  fail "fleet-down left a loop device: $(losetup -a | grep -F "$second_dir/")"

echo "fleet test passed"
