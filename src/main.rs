//! The `siting` command line: parses arguments and hands over to the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}

/// mimalloc instead of the system allocator: a province's run makes millions of small
/// allocations (ids, per-place lists) and grows large tables, where glibc's malloc spent a third
/// of the time consolidating and returning memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
