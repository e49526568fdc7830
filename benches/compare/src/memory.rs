//! Heap accounting for the memory-per-role figures: a global allocator that
//! counts bytes allocated and freed, only while [`heap_growth`] runs, so the
//! timed decision paths pay one untaken branch per allocation. A binary opts
//! in with `#[global_allocator] static ALLOC: CountingAlloc = CountingAlloc;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// Whether allocations are being counted.
static COUNTING: AtomicBool = AtomicBool::new(false);
/// Bytes allocated minus bytes freed while counting.
static GROWTH: AtomicIsize = AtomicIsize::new(0);

fn count(bytes: usize, sign: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        GROWTH.fetch_add(sign * bytes as isize, Ordering::Relaxed);
    }
}

/// The system allocator, counting while [`heap_growth`] runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAlloc;

// SAFETY: every call is forwarded unchanged to `System`; the counters never
// affect the memory handed out.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count(layout.size(), 1);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc_zeroed`'s contract.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count(layout.size(), 1);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) };
        count(layout.size(), -1);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count(new_size, 1);
            count(layout.size(), -1);
        }
        new
    }
}

/// Runs `f` and returns its value with the heap growth it caused: bytes
/// allocated minus bytes freed, so the value's own heap counts. `None` when
/// [`CountingAlloc`] is not the global allocator. Single-threaded callers only.
pub fn heap_growth<T>(f: impl FnOnce() -> T) -> (T, Option<isize>) {
    GROWTH.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let probe = black_box(Box::new(0u64));
    let installed = GROWTH.load(Ordering::Relaxed) != 0;
    drop(probe);
    let value = f();
    COUNTING.store(false, Ordering::Relaxed);
    (value, installed.then(|| GROWTH.load(Ordering::Relaxed)))
}
