#!/usr/bin/env bash
# A real single-node Slurm on this machine, for the Slurm end-to-end test and for
# trying `sweep submit --slurm` without a cluster. Debian 12 packages slurm-wlm
# and munge (scripts/deps.sh installs them); no systemd needed; run as root.
#
#   scripts/slurm-local.sh start DIR   starts munged (unless one answers), slurmctld
#                                      and slurmd with everything under DIR; waits
#                                      until the node is idle; writes DIR/env
#   scripts/slurm-local.sh stop DIR    cancels every job, stops what start started
#
# Clients find this Slurm through SLURM_CONF: `. DIR/env` before sbatch/squeue.
# The node has the machine's cores and two fake GPUs (gres gpu:2, device files
# under DIR/dev), so --gres=gpu:1 works and Slurm sets CUDA_VISIBLE_DEVICES;
# where device files cannot be made, no GPUs (DIR/env sets SLURM_LOCAL_GPUS).
# Ports 16817/16818 keep it clear of a Slurm the machine may already run.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

log() { echo "slurm-local: $*" >&2; }
die() { log "$*"; exit 1; }

pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Ends the daemon whose pid file is $1: SIGTERM, then SIGKILL after 10 s.
stop_daemon() {
  local pidfile=$1 pid
  pid_alive "$pidfile" || return 0
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "pid $pid did not stop on SIGTERM; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

write_config() {
  local host=$1 cpus gpus=2 gres=""
  cpus=$(nproc)
  mkdir -p "$dir/state" "$dir/spool" "$dir/dev"
  # Character devices, as Slurm wants; the numbers of /dev/nvidia0 and 1. A
  # container without CAP_MKNOD gets a node without GPUs.
  for i in 0 1; do
    [ -c "$dir/dev/nvidia$i" ] || mknod "$dir/dev/nvidia$i" c 195 "$i" 2>/dev/null || gpus=0
  done
  if [ "$gpus" -gt 0 ]; then
    gres="Gres=gpu:$gpus"
  else
    log "cannot make device files here (mknod refused); the node has no GPUs"
  fi
  cat > "$dir/slurm.conf" <<EOF
# Written by scripts/slurm-local.sh: one node, no accounting, fake GPUs.
ClusterName=sweeplocal
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
KillWait=5
# A requeued job waits cred_expire + 1 s before it may start again (120 s by
# default, longer than a test should wait); the backfill pass that then starts
# it runs every bf_interval seconds (30 by default).
AuthInfo=cred_expire=10
SchedulerParameters=bf_interval=2
MinJobAge=300
MailProg=/bin/true
GresTypes=gpu
NodeName=$host CPUs=$cpus $gres State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  # Slurm 23.11 and later start their cgroup plugin whatever the plugins above,
  # and slurmd fails where no cgroup filesystem is mounted (a chroot, some
  # containers) unless it is disabled; earlier releases know no such setting.
  local version
  version=$(slurmd -V | sed -n 's/^slurm[^ ]* \([0-9]*\)\.\([0-9]*\).*/\1\2/p')
  if [ "${version:-0}" -ge 2311 ]; then
    echo "CgroupPlugin=disabled" > "$dir/cgroup.conf"
  fi
  echo "AutoDetect=off" > "$dir/gres.conf"
  for i in $(seq 0 $((gpus - 1))); do
    echo "Name=gpu File=$dir/dev/nvidia$i" >> "$dir/gres.conf"
  done
  printf 'export SLURM_CONF=%s\nexport SLURM_LOCAL_GPUS=%s\n' "$dir/slurm.conf" "$gpus" > "$dir/env"
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    log "using the munged that runs"
    return
  fi
  [ -s /etc/munge/munge.key ] || {
    log "creating /etc/munge/munge.key"
    runuser -u munge -- mungekey --create --keyfile=/etc/munge/munge.key
  }
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 0755 /run/munge
  runuser -u munge -- munged --pid-file=/run/munge/sweep-local.pid
  cp /run/munge/sweep-local.pid "$dir/munged.pid"
  for _ in $(seq 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return
    sleep 0.1
  done
  die "munged started but does not answer"
}

wait_idle() {
  local host=$1 state=""
  for _ in $(seq 120); do
    state=$(SLURM_CONF="$dir/slurm.conf" sinfo -h -N -n "$host" -o %T 2>/dev/null || true)
    case "$state" in idle*) return 0 ;; esac
    sleep 0.5
  done
  log "the node is '${state:-unknown}' after 60 s, not idle; slurmctld.log and slurmd.log say:"
  tail -n 20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
  return 1
}

# Whether something listens on local TCP port $1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  [ "$(id -u)" -eq 0 ] || die "needs root (slurmd runs jobs as their users)"
  command -v slurmctld >/dev/null || die "slurmctld not found; install slurm-wlm and munge"
  for port in 16817 16818; do
    port_in_use "$port" && die "port $port is taken: another slurm-local runs? stop it first"
  done
  local host
  host=$(hostname -s)
  if ! getent hosts "$host" >/dev/null; then
    log "$host does not resolve; adding it to /etc/hosts"
    echo "127.0.0.1 $host" >> /etc/hosts
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  write_config "$host"
  start_munge
  slurmctld -c -f "$dir/slurm.conf"
  slurmd -f "$dir/slurm.conf"
  wait_idle "$host" && pid_alive "$dir/slurmctld.pid" && pid_alive "$dir/slurmd.pid" ||
    { log "slurmctld or slurmd did not start; see $dir/*.log"; stop; exit 1; }
  log "node $host idle; . $dir/env to use it"
}

stop() {
  if [ -s "$dir/slurm.conf" ] && pid_alive "$dir/slurmctld.pid"; then
    # Jobs first, so that no job step outlives its slurmd.
    SLURM_CONF="$dir/slurm.conf" scancel --full --partition=debug 2>/dev/null || true
    for _ in $(seq 100); do
      [ -z "$(SLURM_CONF="$dir/slurm.conf" squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  stop_daemon "$dir/slurmd.pid"
  stop_daemon "$dir/slurmctld.pid"
  stop_daemon "$dir/munged.pid"
  rm -f "$dir/munged.pid"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
