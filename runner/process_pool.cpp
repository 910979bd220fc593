#include "runner/process_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <deque>
#include <string_view>

#include "core/errors.h"

extern char** environ;

namespace sweep {
namespace {

constexpr size_t kStderrTailLines = 12;

std::string self_executable() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0)
    throw RuntimeError(std::string("cannot find this executable: ") + std::strerror(errno));
  return std::string(path, static_cast<size_t>(n));
}

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the worker is gone; its exit is reported by wait()
    done += static_cast<size_t>(n);
  }
}

// Reads what is available; false at end of file.
bool read_available(int fd, std::string& buffer) {
  char chunk[65536];
  while (true) {
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n > 0) {
      buffer.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

// Complete lines from the front of `buffer`.
std::vector<std::string> take_lines(std::string& buffer) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = buffer.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(buffer.substr(start, end - start));
  }
  buffer.erase(0, start);
  return lines;
}

}  // namespace

struct ProcessPool::Worker {
  pid_t pid = -1;
  int in = -1;   // the worker's stdin
  int out = -1;  // its protocol stream
  int err = -1;  // its stderr
  std::string out_buffer, err_buffer;
  std::deque<std::string> stderr_tail;

  ~Worker() {
    for (int fd : {in, out, err}) {
      if (fd >= 0) close(fd);
    }
  }
};

std::vector<std::string> worker_environment(int threads, char* const* parent) {
  const std::string count = std::to_string(threads);
  std::vector<std::string> env = {"OMP_NUM_THREADS=" + count, "MKL_NUM_THREADS=" + count};
  bool user_waits = false;
  for (char* const* e = parent; *e; ++e) {
    const std::string_view entry(*e);
    if (entry.rfind("OMP_NUM_THREADS=", 0) == 0 || entry.rfind("MKL_NUM_THREADS=", 0) == 0)
      continue;
    user_waits = user_waits || entry.rfind("OMP_WAIT_POLICY=", 0) == 0 ||
                 entry.rfind("GOMP_SPINCOUNT=", 0) == 0;
    env.emplace_back(entry);
  }
  // A waiting OpenMP thread spins for about 20 microseconds, then sleeps. Spinning
  // without end (libgomp's default is 3 ms, ACTIVE minutes) takes a core from
  // whatever else runs there and slowed shared trials 7-10x; sleeping at once
  // (PASSIVE alone) made 2-thread training 15-20% slower alone, since the gaps
  // between a step's parallel regions are mostly shorter than a wake-up. The
  // spin count is libgomp's (about 100 per microsecond); PASSIVE keeps threads
  // from spinning at all where there are more of them than cores.
  if (!user_waits) {
    env.emplace_back("OMP_WAIT_POLICY=PASSIVE");
    env.emplace_back("GOMP_SPINCOUNT=2000");
  }
  return env;
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* name = sigabbrev_np(signal);
    return "crashed with signal " + std::to_string(signal) + " (" +
           (name ? std::string("SIG") + name : std::string(strsignal(signal))) + ")";
  }
  return "ended with status " + std::to_string(status);
}

ProcessPool::ProcessPool(std::vector<Slot> slots, std::string cache_dir,
                         std::vector<std::string> worker_options)
    : slots_(std::move(slots)),
      cache_dir_(std::move(cache_dir)),
      worker_options_(std::move(worker_options)) {
  workers_.resize(slots_.size());
  // A worker that dies leaves a broken pipe; writing to it must not kill us.
  signal(SIGPIPE, SIG_IGN);
}

ProcessPool::~ProcessPool() {
  for (size_t i = 0; i < workers_.size(); ++i) kill(static_cast<int>(i));
}

void ProcessPool::start(int slot) {
  const Slot& s = slots_[static_cast<size_t>(slot)];
  // Exec through /proc/self/exe: it names the image this process runs even when
  // the file was replaced since (a rebuild or an upgrade during a long sweep).
  const std::string exe = "/proc/self/exe";
  const std::string threads = std::to_string(s.threads);
  std::vector<std::string> args = {self_executable(), "worker", "--device", s.device,
                                   "--threads",       threads,  "--cache",  cache_dir_};
  args.insert(args.end(), worker_options_.begin(), worker_options_.end());
  // The child may only call async-signal-safe functions before exec, so argv
  // and the environment are prepared here.
  std::vector<std::string> env_strings = worker_environment(s.threads, environ);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    throw RuntimeError(std::string("cannot create pipes for a worker: ") + std::strerror(errno));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw RuntimeError(std::string("cannot start a worker: ") + std::strerror(errno));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    setpgid(0, 0);
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    execve(exe.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  auto worker = std::make_unique<Worker>();
  worker->pid = pid;
  worker->in = in[1];
  worker->out = out[0];
  worker->err = err[0];
  fcntl(worker->out, F_SETFL, O_NONBLOCK);
  fcntl(worker->err, F_SETFL, O_NONBLOCK);
  workers_[static_cast<size_t>(slot)] = std::move(worker);
}

void ProcessPool::assign(int slot, const Job& job) {
  if (!workers_[static_cast<size_t>(slot)]) start(slot);
  write_all(workers_[static_cast<size_t>(slot)]->in, encode_job(job) + "\n");
}

void ProcessPool::reap(int slot, std::vector<PoolEvent>& events) {
  Worker& w = *workers_[static_cast<size_t>(slot)];
  read_available(w.err, w.err_buffer);
  for (auto& line : take_lines(w.err_buffer)) w.stderr_tail.push_back(line);
  if (!w.err_buffer.empty()) w.stderr_tail.push_back(w.err_buffer);
  while (w.stderr_tail.size() > kStderrTailLines) w.stderr_tail.pop_front();
  int status = 0;
  while (waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
  }
  PoolEvent event;
  event.kind = PoolEvent::Kind::kExited;
  event.slot = slot;
  event.cause = "worker " + describe_exit(status);
  if (!w.stderr_tail.empty()) {
    event.cause += "; its last output:";
    for (const auto& line : w.stderr_tail) event.cause += "\n  " + line;
  }
  events.push_back(std::move(event));
  workers_[static_cast<size_t>(slot)].reset();
}

std::vector<PoolEvent> ProcessPool::wait(double timeout_seconds) {
  std::vector<pollfd> fds;
  std::vector<int> owner;
  for (size_t i = 0; i < workers_.size(); ++i) {
    if (!workers_[i]) continue;
    fds.push_back({workers_[i]->out, POLLIN, 0});
    owner.push_back(static_cast<int>(i));
    fds.push_back({workers_[i]->err, POLLIN, 0});
    owner.push_back(static_cast<int>(i));
  }
  std::vector<PoolEvent> events;
  if (fds.empty()) {
    usleep(static_cast<useconds_t>(timeout_seconds * 1e6));
    return events;
  }
  const int ready = poll(fds.data(), fds.size(), static_cast<int>(timeout_seconds * 1000));
  if (ready <= 0) return events;
  std::vector<int> ended;
  for (size_t k = 0; k < fds.size(); ++k) {
    if (!fds[k].revents) continue;
    Worker& w = *workers_[static_cast<size_t>(owner[k])];
    if (fds[k].fd == w.err) {
      read_available(w.err, w.err_buffer);
      for (auto& line : take_lines(w.err_buffer)) {
        w.stderr_tail.push_back(line);
        if (w.stderr_tail.size() > kStderrTailLines) w.stderr_tail.pop_front();
      }
      continue;
    }
    const bool open = read_available(w.out, w.out_buffer);
    for (const auto& line : take_lines(w.out_buffer)) {
      PoolEvent event;
      event.slot = owner[k];
      try {
        event.message = decode_message(line);
      } catch (const RuntimeError& e) {
        event.message.kind = WorkerMessage::Kind::kError;
        event.message.error = e.what();
      }
      events.push_back(std::move(event));
    }
    if (!open) ended.push_back(owner[k]);
  }
  for (int slot : ended) reap(slot, events);
  return events;
}

void ProcessPool::decide(int slot, bool keep) {
  if (const auto& worker = workers_[static_cast<size_t>(slot)])
    write_all(worker->in, encode_decision(keep) + "\n");
}

void ProcessPool::withdraw(int slot) { decide(slot, /*keep=*/false); }

void ProcessPool::kill(int slot) {
  auto& worker = workers_[static_cast<size_t>(slot)];
  if (!worker) return;
  ::kill(worker->pid, SIGKILL);
  int status = 0;
  while (waitpid(worker->pid, &status, 0) < 0 && errno == EINTR) {
  }
  worker.reset();
}

}  // namespace sweep
