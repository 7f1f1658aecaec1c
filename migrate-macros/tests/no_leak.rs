//! A set read at run time owns its text and frees it when dropped: reading a
//! directory many times must not grow the heap. (Sets used to leak every
//! string, so a long-lived process reloading its migrations grew without end.)
//!
//! A binary of its own, because it replaces the global allocator.

use migrate_runtime::Migrations;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting the bytes live per thread: the test
/// harness's own threads then do not disturb the count.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn add(bytes: isize) {
    // `try_with`: a thread being torn down has no counter left; ignore it.
    let _ = LIVE.try_with(|live| live.set(live.get() + bytes));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.with(Cell::get)
}

fn load() -> Migrations {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui/fixtures/branches");
    let set = Migrations::from_dir(dir).unwrap();
    assert_eq!(set.graph().heads().len(), 2);
    set
}

#[test]
fn reading_a_directory_again_and_again_does_not_grow_the_heap() {
    // The first read may set up what later reads reuse.
    drop(load());
    let one = {
        let before = live();
        let set = load();
        let held = live() - before;
        drop(set);
        held
    };
    assert!(one > 0, "a loaded set holds its text on the heap");

    let before = live();
    for _ in 0..200 {
        let set = load();
        assert_eq!(set.len(), 3);
    }
    let grown = live() - before;
    assert!(
        grown < one,
        "200 loads left {grown} bytes behind (one set holds {one}): they leak"
    );
}
