//! `motcua`: the one binary. Every role and every operation is a subcommand.
//!
//! Human output is Vietnamese by default (`--lang en` for English); `--json` gives the stable
//! machine shape. Errors go to stderr as one clear sentence and a non-zero exit; nothing here
//! may panic on bad input.

mod cli;
mod clock;
mod demo;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lỗi: không khởi động được tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            ExitCode::FAILURE
        }
    }
}
