//! What the operating system says about a server process: resident memory (`VmRSS` from
//! `/proc/PID/status`, `Rss`/`Pss`/anonymous from `/proc/PID/smaps_rollup`), CPU time
//! (`utime + stime` from `/proc/PID/stat`) and its open-file limit. Read, never estimated.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Kernel clock ticks per second for `/proc/PID/stat` (USER_HZ, 100 on Linux).
const TICKS_PER_SEC: f64 = 100.0;

/// Memory of one process in KiB.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Memory {
    pub vm_rss_kib: u64,
    /// The anonymous part of VmRSS (heap, stacks): what connections cost. The rest is mostly
    /// the mapped binary and libraries (libtorch), which the kernel may drop and reload at will.
    pub rss_anon_kib: u64,
    pub rss_kib: u64,
    pub pss_kib: u64,
    pub anonymous_kib: u64,
}

/// The `key:   123 kB` field of a `/proc` file.
fn field_kib(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?;
        value.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

impl std::ops::Add for Memory {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            vm_rss_kib: self.vm_rss_kib + other.vm_rss_kib,
            rss_anon_kib: self.rss_anon_kib + other.rss_anon_kib,
            rss_kib: self.rss_kib + other.rss_kib,
            pss_kib: self.pss_kib + other.pss_kib,
            anonymous_kib: self.anonymous_kib + other.anonymous_kib,
        }
    }
}

impl std::iter::Sum for Memory {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), |total, m| total + m)
    }
}

/// Memory of several processes (the nodes of a cluster) added up; a process that cannot be
/// read counts as nothing. Pss adds up to what the processes cost together; VmRSS and Rss count
/// the pages they share (the binary, its libraries) once per process.
pub fn total_memory(pids: &[u32]) -> Memory {
    pids.iter().map(|&pid| memory(pid).unwrap_or_default()).sum()
}

pub fn memory(pid: u32) -> anyhow::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    Ok(Memory {
        vm_rss_kib: field_kib(&status, "VmRSS").unwrap_or(0),
        rss_anon_kib: field_kib(&status, "RssAnon").unwrap_or(0),
        rss_kib: field_kib(&rollup, "Rss").unwrap_or(0),
        pss_kib: field_kib(&rollup, "Pss").unwrap_or(0),
        anonymous_kib: field_kib(&rollup, "Anonymous").unwrap_or(0),
    })
}

/// VmRSS and RssAnon only, from `/proc/PID/status`: cheap enough to sample during a
/// measurement. `smaps_rollup` walks every page table of the process, which for a server that
/// maps libtorch costs milliseconds of the cores the measurement shares.
pub fn status_memory(pid: u32) -> anyhow::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    Ok(Memory {
        vm_rss_kib: field_kib(&status, "VmRSS").unwrap_or(0),
        rss_anon_kib: field_kib(&status, "RssAnon").unwrap_or(0),
        ..Memory::default()
    })
}

/// CPU seconds (user + system) the process has used so far.
pub fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    parse_cpu_seconds(&stat)
}

fn parse_cpu_seconds(stat: &str) -> anyhow::Result<f64> {
    // The command name may hold spaces and parentheses: fields count from the last ')'.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the name: state is field 3, utime 14 and stime 15 (1-based, as proc(5) counts).
    let ticks = |i: usize| fields.get(i - 3).and_then(|v| v.parse::<u64>().ok());
    match (ticks(14), ticks(15)) {
        (Some(user), Some(system)) => Ok((user + system) as f64 / TICKS_PER_SEC),
        _ => anyhow::bail!("unreadable /proc stat line"),
    }
}

/// Waits until the process has used less than `percent` of a core over the last 2 s, at most
/// `limit`; answers how long that took, or none when the limit came first (or /proc could not be
/// read).
pub async fn wait_idle(pid: u32, percent: f64, limit: Duration) -> Option<Duration> {
    const WINDOW: Duration = Duration::from_secs(2);
    let started = Instant::now();
    let mut before = cpu_seconds(pid).ok()?;
    loop {
        tokio::time::sleep(WINDOW).await;
        let now = cpu_seconds(pid).ok()?;
        if (now - before) / WINDOW.as_secs_f64() * 100.0 < percent {
            return Some(started.elapsed());
        }
        if started.elapsed() >= limit {
            return None;
        }
        before = now;
    }
}

/// The process's soft limit on open files.
pub fn open_files_limit(pid: u32) -> Option<u64> {
    let limits = rlimit::ProcLimits::read_process(i32::try_from(pid).ok()?).ok()?;
    limits.max_open_files?.soft_limit
}

/// Samples a process's memory and CPU in the background until dropped.
#[derive(Debug)]
pub struct Sampler {
    pid: u32,
    window: Arc<Mutex<Window>>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    cpu_at_start: f64,
    peak: Memory,
}

/// CPU and peak memory over a window.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Usage {
    /// Average CPU over the window, in percent of one core.
    pub cpu_percent: f64,
    pub peak_rss_kib: u64,
}

impl Sampler {
    pub fn start(pid: u32) -> Self {
        let window = Arc::new(Mutex::new(Window::now(pid)));
        let shared = Arc::clone(&window);
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            loop {
                tick.tick().await;
                let Ok(memory) = status_memory(pid) else { return };
                let mut w = shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if memory.vm_rss_kib > w.peak.vm_rss_kib {
                    w.peak = memory;
                }
            }
        });
        Self { pid, window, task }
    }

    /// Usage since the last call (or the start), and a new window from now.
    pub fn lap(&self) -> Usage {
        let now = Window::now(self.pid);
        let mut w = self.window.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let secs = w.started.elapsed().as_secs_f64().max(1e-3);
        let usage = Usage {
            cpu_percent: (now.cpu_at_start - w.cpu_at_start).max(0.0) / secs * 100.0,
            peak_rss_kib: w.peak.vm_rss_kib.max(now.peak.vm_rss_kib),
        };
        *w = now;
        usage
    }
}

impl Window {
    fn now(pid: u32) -> Self {
        Self {
            started: Instant::now(),
            cpu_at_start: cpu_seconds(pid).unwrap_or(0.0),
            peak: status_memory(pid).unwrap_or_default(),
        }
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kib_fields_and_cpu_ticks() {
        let status = "Name:\tmingle\nVmPeak:\t  200 kB\nVmRSS:\t   1234 kB\n";
        assert_eq!(field_kib(status, "VmRSS"), Some(1234));
        assert_eq!(field_kib(status, "VmHWM"), None);
        let rollup =
            "Rss:               52344 kB\nPss:               40000 kB\nPss_Anon:  1 kB\nAnonymous:  30000 kB\n";
        assert_eq!(field_kib(rollup, "Pss"), Some(40000));
        assert_eq!(field_kib(rollup, "Anonymous"), Some(30000));
        let stat = "4242 (tokio (rt) x) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 50 0 0 20 0 9 0 100 0 0";
        assert!((parse_cpu_seconds(stat).expect("parse") - 3.0).abs() < 1e-9);
        assert!(parse_cpu_seconds("garbage").is_err());
    }

    #[test]
    fn memory_adds_up_field_by_field() {
        let a = Memory { vm_rss_kib: 1, rss_anon_kib: 2, rss_kib: 3, pss_kib: 4, anonymous_kib: 5 };
        let b = Memory { vm_rss_kib: 10, rss_anon_kib: 20, rss_kib: 30, pss_kib: 40, anonymous_kib: 50 };
        let total: Memory = [a, b].into_iter().sum();
        assert_eq!(total, Memory { vm_rss_kib: 11, rss_anon_kib: 22, rss_kib: 33, pss_kib: 44, anonymous_kib: 55 });
        assert_eq!(std::iter::empty::<Memory>().sum::<Memory>(), Memory::default());
    }

    #[test]
    fn reads_this_process() {
        let pid = std::process::id();
        assert!(memory(pid).expect("own memory").vm_rss_kib > 0);
        let own = total_memory(&[pid]).vm_rss_kib;
        assert!(own > 0 && total_memory(&[pid, pid]).vm_rss_kib >= own);
        assert!(cpu_seconds(pid).is_ok());
        assert!(open_files_limit(pid).is_some_and(|n| n > 0));
    }
}
