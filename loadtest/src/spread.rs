//! How the idle scenario spreads connections over processes when one cannot hold them all.
//!
//! Every connection costs an open file in the client and in the server, and no process may hold
//! more than its open-file limit (RLIMIT_NOFILE; raising the hard limit needs privilege). So a
//! count beyond one process's share runs on several server nodes behind the client, which acts
//! as their load balancer, and the client itself runs as as many worker processes. The
//! arithmetic lives here, apart from the processes it sizes, so that it is tested on its own.

/// Descriptors a process keeps for everything but connections: listeners, database and Redis
/// connections, log files, the runtime's own.
pub const RESERVE: usize = 1_000;

/// Server nodes (and as many client processes) one idle run starts at most.
pub const MAX_PROCESSES: usize = 32;

/// Connections one process may hold under an open-file limit of `open_files`.
pub fn capacity(open_files: u64) -> usize {
    usize::try_from(open_files).unwrap_or(usize::MAX).saturating_sub(RESERVE).max(1)
}

/// Processes needed to hold `connections` at `per_process` each (at least one).
pub fn processes(connections: usize, per_process: usize) -> usize {
    connections.div_ceil(per_process.max(1)).max(1)
}

/// Part `part` of `total` split into `parts` near-equal parts, the first ones taking one more
/// when it does not divide evenly. A part never shrinks as `total` grows, so a worker told to
/// grow to its part of each checkpoint in turn only ever opens more.
pub fn share(total: usize, parts: usize, part: usize) -> usize {
    let parts = parts.max(1);
    total / parts + usize::from(part < total % parts)
}

/// How many of client `worker`'s first `count` connections go to each of `nodes` nodes. Each
/// client hands its connections out round-robin, starting at node `worker % nodes`, so that the
/// clients together load every node evenly even when each holds only a few.
pub fn per_node(worker: usize, count: usize, nodes: usize) -> Vec<usize> {
    let nodes = nodes.max(1);
    (0..nodes)
        .map(|node| {
            // Connection j goes to node (worker + j) % nodes: this node's first is j = first.
            let first = (node + nodes - worker % nodes) % nodes;
            count.saturating_sub(first).div_ceil(nodes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_keeps_a_reserve_below_the_limit() {
        assert_eq!(capacity(20_000), 19_000);
        assert_eq!(capacity(1_000), 1, "never zero");
        assert_eq!(capacity(u64::MAX), usize::MAX - RESERVE);
    }

    #[test]
    fn processes_round_up() {
        assert_eq!(processes(100_000, 19_000), 6);
        assert_eq!(processes(19_000, 19_000), 1);
        assert_eq!(processes(19_001, 19_000), 2);
        assert_eq!(processes(4_000, 1_500), 3);
        assert_eq!(processes(0, 1_500), 1);
        assert_eq!(processes(10, 0), 10, "a zero share counts as one");
    }

    #[test]
    fn shares_add_up_and_only_grow() {
        for (total, parts) in [(4_000, 3), (400, 3), (1, 3), (100_000, 6), (0, 2)] {
            let split: Vec<usize> = (0..parts).map(|p| share(total, parts, p)).collect();
            assert_eq!(split.iter().sum::<usize>(), total, "{total} over {parts}");
            assert!(split.iter().max().unwrap_or(&0) - split.iter().min().unwrap_or(&0) <= 1);
        }
        assert_eq!((0..3).map(|p| share(400, 3, p)).collect::<Vec<_>>(), [134, 133, 133]);
        for part in 0..3 {
            for total in 0..50 {
                assert!(share(total + 1, 3, part) >= share(total, 3, part));
            }
        }
    }

    #[test]
    fn each_client_goes_round_robin_from_its_own_node() {
        assert_eq!(per_node(0, 7, 3), [3, 2, 2]);
        assert_eq!(per_node(1, 7, 3), [2, 3, 2]);
        assert_eq!(per_node(2, 1, 3), [0, 0, 1]);
        assert_eq!(per_node(4, 2, 3), [0, 1, 1], "worker 4 starts at node 1");
        assert_eq!(per_node(0, 0, 3), [0, 0, 0]);
        assert_eq!(per_node(5, 9, 1), [9]);
        // Growing in steps opens exactly the connections of the larger count.
        for count in 0..20 {
            let now = per_node(1, count, 4);
            let next = per_node(1, count + 1, 4);
            let added: usize = next.iter().zip(&now).map(|(n, c)| n - c).sum();
            assert_eq!(added, 1);
        }
        // Three clients of 1,334 / 1,333 / 1,333 load three nodes within one of each other.
        let mut nodes = [0; 3];
        for worker in 0..3 {
            for (node, n) in per_node(worker, share(4_000, 3, worker), 3).into_iter().enumerate() {
                nodes[node] += n;
            }
        }
        assert_eq!(nodes.iter().sum::<usize>(), 4_000);
        assert!(nodes.iter().max().unwrap_or(&0) - nodes.iter().min().unwrap_or(&0) <= 1, "{nodes:?}");
    }
}
