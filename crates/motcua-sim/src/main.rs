//! `motcua-sim [ADDRESS]`: the simulator of the government systems, standalone (default
//! 127.0.0.1:8090). motcua knows it only by base URL and keys.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let arg = std::env::args().nth(1);
    if matches!(arg.as_deref(), Some("-h" | "--help")) {
        println!(
            "motcua-sim [ĐỊA_CHỈ]  (mặc định 127.0.0.1:8090)\n\n\
             Hệ thống mô phỏng các hệ thống của Nhà nước cho motcua: VNeID (OpenID Connect, /oidc),\n\
             CSDL quốc gia về dân cư (/registry), cổng thanh toán (/payment), SMS / e-mail / Zalo\n\
             (/notify), Cổng Dịch vụ công quốc gia (/dvcqg), cơ quan thuế và Kho bạc.\n\
             Tin nhắn đã gửi: <địa chỉ>/_sim/messages.\n\n\
             The simulator of the government systems motcua talks to; it listens on ADDRESS."
        );
        return std::process::ExitCode::SUCCESS;
    }
    let addr = arg.unwrap_or_else(|| "127.0.0.1:8090".into());
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
