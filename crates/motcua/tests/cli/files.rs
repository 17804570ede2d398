//! `serve --files-s3-*`: the service does not start on a bucket it cannot use, and says why
//! in both languages (the S3 adapter itself is tested against a real server in motcua-web).

use std::process::Command;

fn serve(dir: &std::path::Path, args: &[&str], keys: bool) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_motcua"));
    command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .current_dir(dir)
        .env_remove("MOTCUA_DATABASE_URL")
        .env_remove("MOTCUA_FILES_S3_ACCESS_KEY_ID")
        .env_remove("MOTCUA_FILES_S3_SECRET_ACCESS_KEY");
    if keys {
        command
            .env("MOTCUA_FILES_S3_ACCESS_KEY_ID", "motcua")
            .env("MOTCUA_FILES_S3_SECRET_ACCESS_KEY", "very-secret-key");
    }
    let out = command.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn serve_refuses_to_start_on_a_bucket_it_cannot_use() {
    let dir = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);

    let (ok, err) = serve(dir.path(), &["--files-s3-bucket", "scans"], false);
    assert!(!ok);
    assert!(err.contains("MOTCUA_FILES_S3_ACCESS_KEY_ID"), "{err}");

    let (ok, err) = serve(dir.path(), &["--files-s3-bucket", "Bad_Bucket"], true);
    assert!(!ok);
    assert!(err.contains("tên bucket không hợp lệ"), "{err}");

    let (ok, err) = serve(
        dir.path(),
        &[
            "--files-s3-bucket",
            "scans",
            "--files-s3-endpoint",
            &endpoint,
            "--files-s3-prefix",
            "/motcua/",
        ],
        true,
    );
    assert!(!ok);
    assert!(
        err.contains("không dùng được kho lưu tệp s3://scans/motcua")
            && err.contains("file storage unavailable"),
        "{err}"
    );
    assert!(
        !err.contains("very-secret-key"),
        "the secret is never shown"
    );
}
