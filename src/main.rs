//! The `siting` command line: parses arguments and hands over to the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
