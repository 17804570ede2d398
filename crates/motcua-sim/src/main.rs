//! `motcua-sim [ADDRESS]`: the simulator of the government systems, standalone (default
//! 127.0.0.1:8090). motcua knows it only by base URL and keys.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8090".into());
    match motcua_sim::start(motcua_sim::SimConfig::default(), &addr).await {
        Ok(handle) => {
            println!(
                "motcua-sim đang chạy tại {} (Ctrl-C để dừng)",
                handle.base_url()
            );
            if tokio::signal::ctrl_c().await.is_err() {
                eprintln!("lỗi: không chờ được tín hiệu dừng");
            }
            handle.stop();
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("lỗi: không mở được {addr}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
