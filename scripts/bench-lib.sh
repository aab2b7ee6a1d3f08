# shellcheck shell=bash disable=SC2034,SC2154 # globals shared with the sourcing script
# Shell shared by the benchmark scripts (scripts/bench-push, scripts/bench-scale);
# source it, do not run it. The sourcing script sets bench_name (its name, for
# messages) before calling anything here, and these globals as it parses its
# arguments: size_mib (the closure's big file), shoal (a binary, or empty to
# build one), name_prefix (of fleet names), and work (a scratch directory).
#
# What it gives: messages (log, fail), the command line (shell_words), link
# rates (bandwidth_bits), shoal and Nix set-up (prepare_shoal, prepare_nix),
# one fresh closure (build_closure: closure_root, closure_paths,
# closure_count, closure_bytes), one fleet at a time (fleet_up, fleet_down,
# in_deployer, deployer_tx_bytes), nix-copy-closure to every host
# (copy_nix_copy_closure), verification on every host (verify_fleet), tools
# from Debian when missing (install_missing), a PNG of time against hosts from
# the table's rows (plot_seconds_by_hosts), and the EXIT clean-up of all of it
# (bench_cleanup).

source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly source_dir

log() {
  echo "$bench_name: $*" >&2
}

fail() {
  echo "$bench_name: $*" >&2
  exit 1
}

# The command line as one would type it again: words quoted only when needed.
shell_words() {
  local word
  for word; do
    if [[ $word =~ ^[A-Za-z0-9_./=:,+-]+$ ]]; then
      printf '%s ' "$word"
    else
      printf "'%s' " "${word//\'/\'\\\'\'}"
    fi
  done
}

# bandwidth_bits RATE [OPTION]: "100mbit" -> bits per second, as scripts/fleet-up
# reads it; OPTION names the flag in the error message (default --bandwidth).
bandwidth_bits() {
  [[ $1 =~ ^([0-9]+)(kbit|mbit|gbit|bit)$ ]] || fail "${2:---bandwidth} must look like 100mbit (kbit, mbit, gbit)"
  local n=${BASH_REMATCH[1]}
  case ${BASH_REMATCH[2]} in
    kbit) echo $((n * 1000)) ;; mbit) echo $((n * 1000000)) ;;
    gbit) echo $((n * 1000000000)) ;; bit) echo "$n" ;;
  esac
}

# install_missing COMMAND=PACKAGE...: installs each PACKAGE whose COMMAND is
# not found (Debian 12 packages).
install_missing() {
  local pair missing=()
  for pair; do
    command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
  done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# plot_seconds_by_hosts FILE.png TITLE "SERIES..." "HOSTS..." [BOUND...]: the
# mean seconds (column 4) per host count (column 1) of each series (column 2:
# a mode or a layout) among the table rows in $rows, one line per series,
# hosts on a log scale; each BOUND is a gnuplot plot element (a constant with
# its title) drawn beside them. Needs gnuplot (install_missing gnuplot=gnuplot-nox).
plot_seconds_by_hosts() {
  local plot=$1 title=$2 series=$3 hosts=$4 data=$work/plot.dat name index=0 plots=() first last
  shift 4
  : >"$data"
  for name in $series; do
    printf '%s\n' "${rows[@]}" | awk -F'|' -v l="$name" '
      { gsub(/ /, "", $3) } $3 == l { n = $2 + 0; t[n] += $5; c[n]++ }
      END { for (n in t) print n, t[n] / c[n] }' | sort -n >>"$data"
    printf '\n\n' >>"$data"
    plots+=("'$data' index $index with linespoints title '$name'")
    index=$((index + 1))
  done
  plots+=("$@")
  first=$(tr ' ' '\n' <<<"$hosts" | sort -n | head -n 1)
  last=$(tr ' ' '\n' <<<"$hosts" | sort -n | tail -n 1)
  gnuplot <<GNUPLOT
set terminal pngcairo size 900,600
set output '$plot'
set logscale x
set xrange [$first / 1.3 : $last * 1.3]
set xtics ($(tr -s ' ' ',' <<<"${hosts# }" | sed 's/,$//'))
set xlabel 'hosts'
set ylabel 'seconds'
set yrange [0:*]
set key top left
set title '$title'
plot $(IFS=,; echo "${plots[*]}")
GNUPLOT
  log "wrote the plot to $plot"
}

# --- cleanup: everything a run creates goes away on exit, however it exits ---
fleet_name="" fleet_dir="" closure_paths=""
bench_cleanup() {
  local rc=$?
  if [[ -n $fleet_name ]]; then
    "$source_dir/scripts/fleet-down" --name "$fleet_name" --dir "$fleet_dir" >&2 || true
  fi
  if [[ -n $closure_paths ]]; then
    rm -f "$work/closure"
    delete_local_closure
  fi
  [[ -z $work ]] || rm -rf "$work"
  return $rc
}

# The closure and its derivations leave the deployer's store too: it is shared.
delete_local_closure() {
  local drvs
  # shellcheck disable=SC2086
  drvs=$(nix-store -q --deriver $closure_paths 2>/dev/null | grep -v '^unknown-deriver$' || true)
  # shellcheck disable=SC2086
  nix-store --delete $closure_paths $drvs >/dev/null 2>&1 || true
}

prepare_shoal() {
  if [[ -n $shoal ]]; then
    shoal=$(realpath "$shoal")
    return
  fi
  local build=$source_dir/build/bench
  log "building shoal in $build"
  cmake -S "$source_dir" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j "$(nproc)" --target shoal >&2
  shoal=$build/cmd/shoal
}

# Nix runs as root here without build users, sandbox or substituters.
# shellcheck source=scripts/nix-conf.sh
source "$(dirname "${BASH_SOURCE[0]}")/nix-conf.sh"
prepare_nix() {
  use_nix_conf "$work/nix-conf"
}

# One new closure. random (the default): six paths with real references, the
# big one $size_mib MiB of random bytes. real (closure_kind=real, with
# real_paths): a system-like closure of this machine's files under /usr,
# $size_mib MiB in all (scripts/real-closure-manifest: planned once per run of
# the script, built anew each time); with real_pack N > 0, the same files in N
# paths (scripts/real_closure.nix's pack).
closure_root="" closure_count=0 closure_bytes=0 closure_kind=random real_paths=1000 real_pack=0
build_closure() {
  local nonce
  nonce=bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
  if [[ $closure_kind == real ]]; then
    if [[ ! -e $work/real-closure.json ]]; then
      "$source_dir/scripts/real-closure-manifest" --paths "$real_paths" \
        --total-mib "$size_mib" >"$work/real-closure.json"
    fi
    local packing=""
    ((real_pack == 0)) || packing=", packed in $real_pack paths"
    log "building a closure of $real_paths paths of real files, about $size_mib MiB$packing"
    nix-build --quiet "$source_dir/scripts/real_closure.nix" --argstr nonce "$nonce" \
      --arg manifest "$work/real-closure.json" --arg pack "$real_pack" -o "$work/closure" >/dev/null
  else
    log "building a closure with a $size_mib MiB random file"
    nix-build --quiet "$source_dir/tests/integration/test_closure.nix" \
      --argstr nonce "$nonce" --arg bigMiB "$size_mib" -o "$work/closure" >/dev/null
  fi
  closure_root=$(readlink "$work/closure")
  closure_paths=$(nix-store -qR "$closure_root" | tr '\n' ' ')
  closure_count=$(wc -w <<<"$closure_paths")
  # shellcheck disable=SC2086
  closure_bytes=$(nix-store -q --size $closure_paths | awk '{ s += $1 } END { print s }')
  ((closure_count >= 5)) || fail "the closure has only $closure_count paths"
}

# Each host's cgroup CPU microseconds, one a line (nothing without cgroups).
hosts_cpu_usec() {
  [[ -n $FLEET_CGROUP ]] || return 0
  local k
  for ((k = 1; k <= FLEET_HOSTS; k++)); do
    awk '$1 == "usage_usec" { print $2 }' "$FLEET_CGROUP/h$k/cpu.stat"
  done
}

# --- one fleet at a time: every run starts from empty stores ---
# fleet_up HOSTS TAG BANDWIDTH [FLEET-UP OPTIONS...]: fleet PREFIX-TAG, its
# fleet.env sourced (FLEET_*).
# Each host gets a file system of its own (fleet-up --disk), sparse, with room
# for 4 copies of the closure (store, staging, slack).
fleet_up() {
  local hosts=$1 tag=$2 bandwidth=$3 disk_gib
  shift 3
  fleet_name=$name_prefix-$tag
  fleet_dir=$work/fleet-$tag
  disk_gib=$((size_mib * 4 / 1024 + 1))
  log "fleet $fleet_name: $hosts host(s) at $bandwidth${*:+ ($*)}, a ${disk_gib}G disk each"
  "$source_dir/scripts/fleet-up" --name "$fleet_name" --hosts "$hosts" --bandwidth "$bandwidth" \
    --dir "$fleet_dir" --disk "${disk_gib}G" "$@" >/dev/null
  # shellcheck disable=SC1091
  source "$fleet_dir/fleet.env"
}

fleet_down() {
  "$source_dir/scripts/fleet-down" --name "$fleet_name" --dir "$fleet_dir" >&2
  fleet_name="" fleet_dir=""
}

in_deployer() {
  ip netns exec "$FLEET_DEPLOYER_NS" "$@"
}

deployer_tx_bytes() {
  ip -n "$FLEET_DEPLOYER_NS" -s -j link show eth0 | jq '.[0].stats64.tx.bytes'
}

# nix-copy-closure to every host of the current fleet, one after the other.
copy_nix_copy_closure() {
  local address
  for address in $FLEET_ADDRESSES; do
    NIX_SSHOPTS=$FLEET_SSH_OPTIONS in_deployer nix-copy-closure --to "root@$address" "$closure_root" || return
  done
}

# Every host must hold every path of the closure, or the run is worthless.
verify_fleet() {
  local address
  for address in $FLEET_ADDRESSES; do
    # shellcheck disable=SC2086
    in_deployer ssh $FLEET_SSH_OPTIONS "root@$address" nix-store --check-validity $closure_paths ||
      fail "$address lacks part of the closure after the copy"
  done
}
