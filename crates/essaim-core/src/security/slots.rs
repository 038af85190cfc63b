//! A small counting semaphore, and the process-wide one that bounds argon2 verifications.
//!
//! Each argon2id verification takes ~50–100 ms of one core and 19 MiB of memory. Without a
//! bound, a flood of login requests would run hundreds at once and use gigabytes; with one,
//! extra requests queue (blocking their worker thread) and memory stays at `capacity × 19 MiB`.

use std::sync::{Condvar, Mutex, OnceLock, PoisonError};

/// A counting semaphore over std's `Mutex` and `Condvar`: at most `capacity` holders at once.
#[derive(Debug)]
pub struct Slots {
    capacity: usize,
    used: Mutex<usize>,
    freed: Condvar,
}

/// One slot, held until dropped.
#[must_use = "the slot is released as soon as the guard is dropped"]
#[derive(Debug)]
pub struct SlotGuard<'a> {
    slots: &'a Slots,
}

impl Slots {
    /// A semaphore with `capacity` slots (at least one, so that acquiring can never hang forever).
    pub fn new(capacity: usize) -> Self {
        Slots { capacity: capacity.max(1), used: Mutex::new(0), freed: Condvar::new() }
    }

    /// Takes a slot, waiting for one to be freed if all are in use.
    pub fn acquire(&self) -> SlotGuard<'_> {
        // The counter is only changed by a single `+= 1` or `-= 1` under the lock, so it is
        // consistent even if a holder panicked elsewhere: poisoning is safe to ignore.
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        while *used >= self.capacity {
            used = self.freed.wait(used).unwrap_or_else(PoisonError::into_inner);
        }
        *used += 1;
        SlotGuard { slots: self }
    }

    /// Takes a slot if one is free now, without waiting.
    pub fn try_acquire(&self) -> Option<SlotGuard<'_>> {
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        if *used >= self.capacity {
            return None;
        }
        *used += 1;
        Some(SlotGuard { slots: self })
    }

    /// How many slots there are.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many slots are held right now (a snapshot, for tests and metrics).
    pub fn in_use(&self) -> usize {
        *self.used.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        let mut used = self.slots.used.lock().unwrap_or_else(PoisonError::into_inner);
        *used -= 1;
        drop(used);
        self.slots.freed.notify_one();
    }
}

/// The process-wide slots for argon2 password verifications at login: twice the available
/// parallelism. More than one per core keeps every core busy while some holders are still
/// being scheduled; not many more, since beyond that extra verifications only add memory
/// and latency, not throughput.
pub fn verify_slots() -> &'static Slots {
    static SLOTS: OnceLock<Slots> = OnceLock::new();
    SLOTS.get_or_init(|| Slots::new(std::thread::available_parallelism().map_or(1, |n| n.get()) * 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn no_more_than_capacity_holders_at_once() {
        let slots = Slots::new(3);
        let (current, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|s| {
            for _ in 0..12 {
                s.spawn(|| {
                    let _slot = slots.acquire();
                    let now = current.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    current.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        let peak = peak.into_inner();
        assert!(peak <= 3, "peak {peak}");
        assert!(peak >= 2, "the slots were shared, not serialised (peak {peak})");
        assert_eq!(slots.in_use(), 0, "every slot was given back");
    }

    #[test]
    fn try_acquire_fails_when_full_and_succeeds_once_freed() {
        let slots = Slots::new(1);
        let held = slots.acquire();
        assert!(slots.try_acquire().is_none());
        drop(held);
        assert!(slots.try_acquire().is_some());
        assert_eq!(Slots::new(0).capacity(), 1, "never zero slots");
    }

    #[test]
    fn verify_slots_are_twice_the_parallelism() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(verify_slots().capacity(), cores * 2);
    }
}
