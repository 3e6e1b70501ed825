//! Typed IPC names: each command's name, argument keys and result, and each event's name and
//! payload, reach TypeScript generated from Rust (appended to `ui/src/lib/ipc.ts` by
//! `crate::bindings`). Renaming a Rust argument or command changes the generated `Commands` type,
//! so the UI's typecheck fails instead of a click at run time.
//!
//! Commands are declared with [`command!`](crate::commands::command) (a `#[tauri::command]` that
//! also records its signature) and listed once in `commands::ipc_table!`, which yields both the
//! Tauri handler and the signature list. Arguments Tauri injects (`State`, `AppHandle`) are not
//! part of the TypeScript signature.

use std::marker::PhantomData;
use ts_rs::{Config, TS};

/// One command as TypeScript sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandSig {
    pub name: &'static str,
    /// (argument key as the UI sends it, TypeScript type)
    pub args: Vec<(String, String)>,
    pub result: String,
}

/// Builds a signature from the Rust argument names (Tauri expects them in camelCase).
pub fn signature(
    name: &'static str,
    args: Vec<(&'static str, Option<String>)>,
    result: String,
) -> CommandSig {
    CommandSig {
        name,
        args: args
            .into_iter()
            .filter_map(|(n, t)| t.map(|t| (camel_case(n), t)))
            .collect(),
        result,
    }
}

/// `clear_cache` → `clearCache`, as Tauri renames command arguments by default.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Type-level probe for the signature (autoref specialisation: the first trait whose bounds hold
/// for the concrete type wins).
pub struct Probe<T: ?Sized>(PhantomData<T>);

impl<T: ?Sized> Probe<T> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Probe(PhantomData)
    }
}

/// A plain argument: its TypeScript type.
pub trait PlainArg {
    fn arg_ts(&self, cfg: &Config) -> Option<String>;
}
impl<T: TS> PlainArg for &Probe<T> {
    fn arg_ts(&self, cfg: &Config) -> Option<String> {
        Some(T::name(cfg))
    }
}

/// An argument Tauri injects: not sent by the UI.
pub trait InjectedArg {
    fn arg_ts(&self, _cfg: &Config) -> Option<String> {
        None
    }
}
impl<T: Send + Sync + 'static> InjectedArg for Probe<tauri::State<'_, T>> {}
impl<R: tauri::Runtime> InjectedArg for Probe<tauri::AppHandle<R>> {}

/// A command returning `Result<T, _>`: the UI gets `T` (the error rejects the promise).
pub trait ResultReturn {
    fn ret_ts(&self, cfg: &Config) -> String;
}
impl<T: TS, E> ResultReturn for &Probe<Result<T, E>> {
    fn ret_ts(&self, cfg: &Config) -> String {
        ts_result(T::name(cfg))
    }
}

/// A command returning a value directly.
pub trait PlainReturn {
    fn ret_ts(&self, cfg: &Config) -> String;
}
impl<T: TS> PlainReturn for Probe<T> {
    fn ret_ts(&self, cfg: &Config) -> String {
        ts_result(T::name(cfg))
    }
}

/// `()` arrives as `null`; the UI treats it as nothing.
fn ts_result(name: String) -> String {
    if name == "null" {
        "void".to_string()
    } else {
        name
    }
}

/// An event the backend emits, with its payload type: emitting goes through [`Event::emit`], so
/// the name and the payload stay together.
pub struct Event<T> {
    /// The key of the generated `EVENTS` object in TypeScript.
    pub key: &'static str,
    pub name: &'static str,
    payload: PhantomData<fn(&T)>,
}

impl<T: TS + serde::Serialize + Clone> Event<T> {
    pub const fn new(key: &'static str, name: &'static str) -> Self {
        Event {
            key,
            name,
            payload: PhantomData,
        }
    }

    pub fn emit<R: tauri::Runtime>(&self, handle: &tauri::AppHandle<R>, payload: &T) {
        use tauri::Emitter;
        if let Err(e) = handle.emit(self.name, payload) {
            tracing::debug!(event = self.name, "could not emit: {e}");
        }
    }

    pub fn sig(&self, cfg: &Config) -> EventSig {
        EventSig {
            key: self.key,
            name: self.name,
            payload: T::name(cfg),
        }
    }
}

/// One event as TypeScript sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSig {
    pub key: &'static str,
    pub name: &'static str,
    pub payload: String,
}

/// The TypeScript for the commands, the events and the constants the UI's copy uses.
/// `consts` are (name, doc comment, value).
pub fn typescript(
    commands: &[CommandSig],
    events: &[EventSig],
    consts: &[(&str, &str, String)],
) -> String {
    let mut out = String::from(
        "/** Every command the window may invoke: its argument object (keys as Tauri expects them) \
         and its result. Generated from `commands::ipc_table!`. */\nexport type Commands = {\n",
    );
    for c in commands {
        let args = if c.args.is_empty() {
            "null".to_string()
        } else {
            let fields: Vec<String> = c.args.iter().map(|(k, t)| format!("{k}: {t}")).collect();
            format!("{{ {} }}", fields.join("; "))
        };
        out.push_str(&format!(
            "  {}: {{ args: {args}; result: {} }};\n",
            c.name, c.result
        ));
    }
    out.push_str("};\n\nexport type CommandName = keyof Commands;\n\n");
    out.push_str("/** The events the backend emits, by name. */\nexport const EVENTS = {\n");
    for e in events {
        out.push_str(&format!("  {}: \"{}\",\n", e.key, e.name));
    }
    out.push_str("} as const;\n\n/** Each event's payload. */\nexport type Events = {\n");
    for e in events {
        out.push_str(&format!("  \"{}\": {};\n", e.name, e.payload));
    }
    out.push_str("};\n");
    for (name, doc, value) in consts {
        out.push_str(&format!(
            "\n/** {doc} */\nexport const {name} = {};\n",
            serde_json::Value::String(value.clone())
        ));
    }
    out
}

/// Declares a Tauri command and records its signature in a sibling module of the same name
/// (`<name>::signature`), which `ipc_table!` collects.
#[macro_export]
#[doc(hidden)]
macro_rules! __ipc_command {
    ($(#[$m:meta])* pub async fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$m])*
        #[tauri::command]
        pub async fn $name($($arg: $ty),*) $(-> $ret)? $body
        $crate::__ipc_command!(@sig $name ($($arg: $ty),*) $(-> $ret)?);
    };
    ($(#[$m:meta])* pub fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$m])*
        #[tauri::command]
        pub fn $name($($arg: $ty),*) $(-> $ret)? $body
        $crate::__ipc_command!(@sig $name ($($arg: $ty),*) $(-> $ret)?);
    };
    (@sig $name:ident ($($arg:ident: $ty:ty),*)) => {
        $crate::__ipc_command!(@sig $name ($($arg: $ty),*) -> ());
    };
    (@sig $name:ident ($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        #[doc(hidden)]
        pub mod $name {
            #[allow(unused_imports)]
            use super::*;
            pub fn signature(cfg: &ts_rs::Config) -> $crate::commands::ipc::CommandSig {
                #[allow(unused_imports)]
                use $crate::commands::ipc::{InjectedArg as _, PlainArg as _, PlainReturn as _, ResultReturn as _};
                use $crate::commands::ipc::Probe;
                $crate::commands::ipc::signature(
                    stringify!($name),
                    vec![$((stringify!($arg), (&Probe::<$ty>::new()).arg_ts(cfg))),*],
                    (&Probe::<$ret>::new()).ret_ts(cfg),
                )
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_keys_are_camel_case() {
        assert_eq!(camel_case("clear_cache"), "clearCache");
        assert_eq!(camel_case("id"), "id");
        assert_eq!(camel_case("delete_cache_now"), "deleteCacheNow");
    }

    #[test]
    fn signatures_skip_injected_arguments_and_unwrap_results() {
        let cfg = Config::new();
        let sigs = crate::commands::signatures(&cfg);
        let save = sigs.iter().find(|s| s.name == "save_key").unwrap();
        assert_eq!(
            save.args,
            vec![("clearCache".to_string(), "boolean".to_string())]
        );
        assert_eq!(save.result, "void");
        let info = sigs.iter().find(|s| s.name == "app_info").unwrap();
        assert!(info.args.is_empty(), "State is injected by Tauri");
        assert_eq!(info.result, "AppInfo");
        let steps = sigs.iter().find(|s| s.name == "wizard_steps").unwrap();
        assert_eq!(steps.result, "Array<WizardStep>");
        let login = sigs
            .iter()
            .find(|s| s.name == "set_start_at_login")
            .unwrap();
        assert_eq!(
            login.args,
            vec![("enabled".to_string(), "boolean".to_string())]
        );
        let mut names: Vec<_> = sigs.iter().map(|s| s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), sigs.len(), "command names are unique");
    }
}
