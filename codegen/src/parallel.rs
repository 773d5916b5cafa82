//! Independent jobs on every core, heaviest first, with the results in input order.
//!
//! The generator's output must not depend on the number of threads, so results are put back in
//! input order; running the heaviest jobs first keeps one big file from finishing last alone.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Applies `f` to every item on all available cores and returns the results in input order.
/// `weight` estimates an item's cost; heavier items start first.
pub fn map<T, R, F>(items: Vec<T>, weight: impl Fn(&T) -> usize, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let count = items.len();
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(weight(&items[index])));
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(count);
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let slots: Vec<Mutex<Option<T>>> = items
        .into_iter()
        .map(|item| Mutex::new(Some(item)))
        .collect();
    let next = AtomicUsize::new(0);
    let (slots, next, order, f) = (&slots, &next, &order, &f);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let position = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&index) = order.get(position) else {
                            break done;
                        };
                        let item = slots[index]
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .take();
                        if let Some(item) = item {
                            done.push((index, f(item)));
                        }
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_input_order_whatever_the_weights() {
        let items: Vec<u64> = (0..100).collect();
        let squares = super::map(items, |&n| (n % 7) as usize, |n| n * n);
        assert_eq!(squares, (0..100u64).map(|n| n * n).collect::<Vec<_>>());
        assert!(super::map(Vec::<u8>::new(), |_| 0, |n| n).is_empty());
    }
}
