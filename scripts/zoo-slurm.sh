#!/bin/bash
# scripts/zoo-slurm.sh DIR OUT --shards N [--sbatch-arg ARG]... [-- zoo options]
#
# Runs `bridge zoo DIR` on Slurm as an array job of N shards (deploy/slurm/zoo.sbatch), waits for it, and merges the
# shards into OUT/merged (report.csv, report.json, report.html). When no Slurm controller answers, it starts a one-node
# Slurm on this machine (Debian's slurm-wlm and munge, installed if missing), and stops on exit only what it started.
# BRIDGE names the bridge command (default: `bridge` on PATH; e.g. BRIDGE="dotnet /path/bridge.dll").
# Exit: the merge's: 0 merged and every model passed; 1 a model failed a stage (0 with `-- --allow-failures`) or a shard
# task failed (its log is printed); 2 usage, setup error or an incomplete merge.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
usage() { echo "usage: $0 DIR OUT --shards N [--sbatch-arg ARG]... [-- zoo options]" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
DIR=$(realpath "$1"); OUT=$(realpath -m "$2"); shift 2
SHARDS=""; SBATCH_ARGS=(); ZOO_ARGS=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --shards) SHARDS=$2; shift 2 ;;
    --sbatch-arg) SBATCH_ARGS+=("$2"); shift 2 ;;
    --) shift; ZOO_ARGS=("$@"); break ;;
    *) usage ;;
  esac
done
[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || usage
read -r -a BRIDGE_CMD <<< "${BRIDGE:-bridge}"
mkdir -p "$OUT"

STATE=${BRIDGE_SLURM_STATE:-/tmp/bridge-slurm}
started=()
# True while PID runs (a zombie, which nothing reaps in some containers, counts as gone).
running() { kill -0 "$1" 2>/dev/null && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }
cleanup() {
  # Stop only what this script started (pid files it wrote), newest first, and wait (≤ 10 s each) until each has exited, so
  # nothing writes into the state folder after this script returns.
  for ((i=${#started[@]}-1; i>=0; i--)); do
    local pidfile=${started[$i]} pid n=0
    [[ -s $pidfile ]] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    while running "$pid" && (( n++ < 100 )); do sleep 0.1; done
  done
}
trap cleanup EXIT

slurm_up() { timeout 10 sinfo -h -o %T >/dev/null 2>&1; }

start_local_slurm() {
  echo "zoo-slurm: no Slurm controller answers; starting a one-node Slurm (state in $STATE)"
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    [[ $(id -u) -eq 0 ]] || { echo "zoo-slurm: slurm-wlm and munge are not installed and this is not root" >&2; exit 2; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
  fi
  mkdir -p "$STATE"/{spool,state,log,munge}
  if ! pgrep -x munged >/dev/null; then
    if [[ ! -s /etc/munge/munge.key ]]; then
      mkdir -p /etc/munge
      dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
      chown munge:munge /etc/munge/munge.key 2>/dev/null || true
      chmod 400 /etc/munge/munge.key
    fi
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
    if id munge >/dev/null 2>&1; then runuser -u munge -- munged --pid-file=/run/munge/munged.pid
    else munged --force --pid-file=/run/munge/munged.pid; fi
    started+=(/run/munge/munged.pid)
  fi
  local host cpus mem
  host=$(hostname -s); cpus=$(nproc); mem=$(awk '/MemTotal/ {print int($2/1024*0.9)}' /proc/meminfo)
  cat > "$STATE/slurm.conf" <<CONF
ClusterName=bridge-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SchedulerType=sched/backfill
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$STATE/slurm.conf
  slurmctld -f "$SLURM_CONF"; started+=("$STATE/slurmctld.pid")
  slurmd -f "$SLURM_CONF"; started+=("$STATE/slurmd.pid")
  for _ in $(seq 1 60); do
    if [[ $(sinfo -h -o %T 2>/dev/null) =~ ^(idle|mixed|allocated) ]]; then return 0; fi
    sleep 1
  done
  echo "zoo-slurm: the local Slurm did not come up; see $STATE/log/" >&2
  exit 2
}

if ! command -v sinfo >/dev/null || ! slurm_up; then
  if [[ -s $STATE/slurm.conf ]]; then export SLURM_CONF=$STATE/slurm.conf; fi
  slurm_up || start_local_slurm
fi

LOGS=$OUT/slurm-logs
mkdir -p "$LOGS"
echo "zoo-slurm: submitting $SHARDS shard(s) of $DIR"
start=$(date +%s.%N)
set +e
BRIDGE="${BRIDGE:-bridge}" sbatch --parsable --wait --array="0-$((SHARDS - 1))" --output="$LOGS/shard-%a.log" \
  --export=ALL "${SBATCH_ARGS[@]}" "$here/deploy/slurm/zoo.sbatch" "$DIR" "$OUT" "${ZOO_ARGS[@]}"
rc=$?
set -e
end=$(date +%s.%N)
if [[ $rc -ne 0 ]]; then
  echo "zoo-slurm: a shard failed (sbatch exit $rc); logs in $LOGS" >&2
  tail -n 20 "$LOGS"/shard-*.log >&2 || true
  exit 1
fi
shard_dirs=()
for ((i=0; i<SHARDS; i++)); do shard_dirs+=("$OUT/shard-$i"); done
MERGE_ARGS=()
for a in "${ZOO_ARGS[@]}"; do [[ $a == --allow-failures ]] && MERGE_ARGS+=(--allow-failures); done
mrc=0
"${BRIDGE_CMD[@]}" zoo merge "${shard_dirs[@]}" -o "$OUT/merged" "${MERGE_ARGS[@]}" || mrc=$?
[[ -s $OUT/merged/report.csv ]] || exit "$mrc"
awk -v s="$start" -v e="$end" -v n="$(($(wc -l < "$OUT/merged/report.csv") - 1))" \
  'BEGIN { printf "zoo-slurm: %d models in %.1f s (%.1f models/min, %s shards)\n", n, e - s, n / (e - s) * 60, "'"$SHARDS"'" }'
exit "$mrc"
