fn main() {
    // The UI is embedded at compile time; a fresh clone has no ui/dist yet. A placeholder keeps
    // `cargo check`/`clippy` working and tells whoever launches such a build what to run instead.
    let dist = std::path::Path::new("ui/dist");
    if !dist.join("index.html").exists() {
        let _ = std::fs::create_dir_all(dist);
        let _ = std::fs::write(
            dist.join("index.html"),
            "<!doctype html><meta charset=utf-8><title>Ashby Sync</title>\
             <p>The UI has not been built. Run <code>cargo xtask run</code>.</p>",
        );
    }
    println!("cargo:rerun-if-changed=ui/dist");
    // tauri-build only watches its default capabilities folder.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attrs =
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*");
    tauri_build::try_build(attrs).expect("tauri-build failed");
}
