//! What the scan's work units hold for the writer. Output is written strictly in order, so a
//! unit's results wait until every earlier unit is written. The unit being written may have a
//! few parts waiting (its worker then waits for the writer); the later units, which cannot be
//! written yet, share one budget of items (findings and errors), and their workers wait once
//! it is spent. So memory is bounded whatever the input and the thread count, and on input
//! dense with findings the later units still run ahead of the writer (with a small channel of
//! their own, they waited after two parts, and two threads scanned as one).

use std::sync::{Condvar, Mutex, MutexGuard};

pub(crate) struct Backlog {
    state: Mutex<State>,
    changed: Condvar,
    /// Items the unit being written may have waiting.
    writing_cap: usize,
    /// Items the units after it may have waiting, together.
    ahead_cap: usize,
}

struct State {
    /// The unit being written (`usize::MAX` before the first).
    writing: usize,
    /// Per unit: items handed on and not yet written.
    held: Vec<usize>,
    /// Items held by units other than the one being written.
    ahead: usize,
    /// Set when the writer stops: nobody waits any more.
    stopped: bool,
}

impl Backlog {
    pub(crate) fn new(units: usize, writing_cap: usize, ahead_cap: usize) -> Self {
        Backlog {
            state: Mutex::new(State {
                writing: usize::MAX,
                held: vec![0; units],
                ahead: 0,
                stopped: false,
            }),
            changed: Condvar::new(),
            writing_cap,
            ahead_cap,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the counts half-updated: each update is one step.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until unit `unit` may hand on a part of `items` items, and counts them; false once
    /// the writer has stopped. A part always fits where its unit holds nothing (or, for a unit
    /// after the one being written, where no such unit does), so every unit gets on.
    pub(crate) fn reserve(&self, unit: usize, items: usize) -> bool {
        let mut s = self.lock();
        loop {
            if s.stopped {
                return false;
            }
            let fits = if unit == s.writing {
                s.held[unit] == 0 || s.held[unit] + items <= self.writing_cap
            } else {
                s.ahead == 0 || s.ahead + items <= self.ahead_cap
            };
            if fits {
                break;
            }
            s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.held[unit] += items;
        if unit != s.writing {
            s.ahead += items;
        }
        true
    }

    /// The writer moves on to unit `unit`: its items no longer count against the budget of the
    /// units ahead.
    pub(crate) fn write(&self, unit: usize) {
        let mut s = self.lock();
        if s.writing != unit {
            s.ahead -= s.held[unit];
            s.writing = unit;
        }
        self.changed.notify_all();
    }

    /// The writer wrote a part of `items` items of the unit being written.
    pub(crate) fn written(&self, items: usize) {
        let mut s = self.lock();
        let w = s.writing;
        s.held[w] -= items;
        self.changed.notify_all();
    }

    /// The writer stops (the report could not be written): waiting workers give up.
    pub(crate) fn stop(&self) {
        self.lock().stopped = true;
        self.changed.notify_all();
    }

    /// Items held now by the units after the one being written.
    #[cfg(test)]
    fn ahead(&self) -> usize {
        self.lock().ahead
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    /// A unit ahead of the writer goes on until the shared budget is spent, then waits for the
    /// writer; the unit being written waits only on its own cap.
    #[test]
    fn units_ahead_share_a_budget() {
        let b = Arc::new(Backlog::new(3, 2, 10));
        b.write(0);
        assert!(b.reserve(1, 6));
        assert!(b.reserve(2, 4));
        assert_eq!(b.ahead(), 10);
        // Unit 0 (being written) is not held back by the units ahead.
        assert!(b.reserve(0, 2));
        let sent = Arc::new(AtomicUsize::new(0));
        let waiter = {
            let (b, sent) = (b.clone(), sent.clone());
            std::thread::spawn(move || {
                // The budget is spent: this waits until unit 1 is being written.
                assert!(b.reserve(2, 3));
                sent.fetch_add(1, Ordering::SeqCst);
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(
            sent.load(Ordering::SeqCst),
            0,
            "waits while the budget is spent"
        );
        b.written(2);
        b.write(1);
        waiter.join().unwrap();
        assert_eq!(sent.load(Ordering::SeqCst), 1);
        assert_eq!(b.ahead(), 7, "unit 2's items: 4 and 3");
    }

    /// The unit being written waits for the writer once its cap is reached; a stopped writer
    /// releases every waiting worker.
    #[test]
    fn the_unit_written_waits_on_its_cap_and_stop_releases() {
        let b = Arc::new(Backlog::new(2, 4, 4));
        b.write(0);
        assert!(b.reserve(0, 4));
        let waiter = {
            let b = b.clone();
            std::thread::spawn(move || b.reserve(0, 1))
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "waits for the writer");
        b.written(4);
        assert!(waiter.join().unwrap());
        assert!(b.reserve(1, 4));
        let waiter = {
            let b = b.clone();
            std::thread::spawn(move || b.reserve(1, 1))
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished());
        b.stop();
        assert!(!waiter.join().unwrap(), "gave up");
        assert!(!b.reserve(0, 1));
    }
}
