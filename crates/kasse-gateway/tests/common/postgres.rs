#![allow(dead_code)]
//! A throwaway PostgreSQL cluster for one test: initdb into a temporary folder (as the
//! unprivileged `postgres` user when the test runs as root, as PostgreSQL requires), a server on
//! 127.0.0.1 and a free port, stopped and removed when dropped. PostgreSQL comes from Debian's
//! `postgresql` package (`cargo xtask setup`); without it the test fails and says so.

use std::os::unix::fs::chown;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

/// The newest installed server's programs.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions.retain(|b| b.join("initdb").exists());
    versions.sort_by_key(|b| {
        b.parent()
            .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions
        .pop()
        .expect("PostgreSQL is not installed: run `cargo xtask setup` (Debian package postgresql)")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn uid_gid(user: &str) -> (u32, u32) {
    let field = |flag: &str| {
        let out = Command::new("id").args([flag, user]).output().expect("id runs");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<u32>()
            .expect("the postgres user exists (Debian's postgresql package makes it)")
    };
    (field("-u"), field("-g"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Postgres {
    /// Starts a new cluster with database `kasse`, owned by user `kasse` (trust, loopback only).
    pub fn start() -> Postgres {
        let bin = bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("kasse-pg-")
            .tempdir()
            .expect("temp dir");
        if is_root() {
            let (uid, gid) = uid_gid("postgres");
            chown(dir.path(), Some(uid), Some(gid)).expect("chown the cluster's folder");
        }
        let pg = Postgres {
            dir,
            bin,
            port: free_port(),
        };
        let data = pg.data();
        pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "kasse",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
        );
        let options = format!("-h 127.0.0.1 -p {} -k {}", pg.port, pg.dir.path().display());
        let log = pg.dir.path().join("server.log").display().to_string();
        pg.run(
            "pg_ctl",
            &["-D", &data, "-o", &options, "-l", &log, "-w", "-t", "60", "start"],
        );
        let port = pg.port.to_string();
        pg.run("createdb", &["-h", "127.0.0.1", "-p", &port, "-U", "kasse", "kasse"]);
        pg
    }

    /// `postgres://` URL of the `kasse` database.
    pub fn url(&self) -> String {
        format!("postgres://kasse@127.0.0.1:{}/kasse", self.port)
    }

    /// A further empty database, for a test that needs its own.
    pub fn database(&self, name: &str) -> String {
        let port = self.port.to_string();
        self.run("createdb", &["-h", "127.0.0.1", "-p", &port, "-U", "kasse", name]);
        format!("postgres://kasse@127.0.0.1:{}/{name}", self.port)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let out = command
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("{program} did not run: {e}"));
        assert!(
            out.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.data();
        let stop = self.bin.join("pg_ctl");
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&stop);
            c
        } else {
            Command::new(&stop)
        };
        let _ = command
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .current_dir(self.path())
            .output();
    }
}
