//! `closed_enum!`: a closed set of values with one spelling each, declared once. The spelling is
//! what serde writes (IPC, JSON columns), what SQLite stores (`ToSql`/`FromSql`) and what ts-rs
//! exports as a TypeScript union; `ALL` lists every value (exported to TypeScript by the bindings
//! generator, so no list of them is written out by hand anywhere else).

/// Declares a `Copy` enum whose variants have the given spellings. Reading a spelling it does
/// not know (from SQLite or JSON) is an error, unless the declaration ends with
/// `else Variant`: then such a value reads as that variant, so a value written by a newer
/// version of the app never makes the cache unreadable.
macro_rules! closed_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident => $text:tt),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, ts_rs::TS,
        )]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }
        $crate::enums::closed_enum!(@common $name; $($variant => $text),+);

        impl rusqlite::types::FromSql for $name {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                let s = value.as_str()?;
                $name::parse(s).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(
                        format!("not a {}: {s:?}", stringify!($name)).into(),
                    )
                })
            }
        }
    };
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident => $text:tt),+ $(,)?
    } else $fallback:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, ts_rs::TS,
        )]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }
        $crate::enums::closed_enum!(@common $name; $($variant => $text),+);

        impl $name {
            /// The value spelled `s`, or the fallback for a spelling this version does not know.
            pub fn parse_lenient(s: &str) -> $name {
                $name::parse(s).unwrap_or($name::$fallback)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok($name::parse_lenient(&s))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                Ok($name::parse_lenient(value.as_str()?))
            }
        }
    };
    (@common $name:ident; $($variant:ident => $text:tt),+) => {

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The value's one spelling (serde, SQLite, TypeScript).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value spelled exactly `s`, if any.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }
    };
}

pub(crate) use closed_enum;

#[cfg(test)]
mod tests {
    closed_enum!(
        /// A test enum.
        enum Colour {
            Red => "red",
            DarkBlue => "dark_blue",
        }
    );

    closed_enum!(
        /// A test enum with a fallback.
        enum Code {
            Known => "known",
            Unrecognized => "unrecognized",
        } else Unrecognized
    );

    #[test]
    fn a_fallback_enum_reads_unknown_spellings_as_the_fallback() {
        use rusqlite::types::{FromSql, ValueRef};
        assert_eq!(
            Code::column_result(ValueRef::Text(b"known")).unwrap(),
            Code::Known
        );
        assert_eq!(
            Code::column_result(ValueRef::Text(b"from_a_newer_version")).unwrap(),
            Code::Unrecognized
        );
        assert_eq!(
            serde_json::from_value::<Code>(serde_json::json!("from_a_newer_version")).unwrap(),
            Code::Unrecognized
        );
        assert_eq!(
            serde_json::to_value(Code::Known).unwrap(),
            serde_json::json!("known")
        );
        assert!(Code::column_result(ValueRef::Integer(1)).is_err());
        assert_eq!(Code::ALL.len(), 2);
    }

    #[test]
    fn one_spelling_everywhere() {
        use rusqlite::types::{FromSql, ToSql, ToSqlOutput, ValueRef};
        use ts_rs::TS;
        assert_eq!(Colour::ALL, [Colour::Red, Colour::DarkBlue]);
        assert_eq!(Colour::DarkBlue.as_str(), "dark_blue");
        assert_eq!(Colour::parse("dark_blue"), Some(Colour::DarkBlue));
        assert_eq!(Colour::parse("Dark_Blue"), None);
        assert_eq!(
            serde_json::to_value(Colour::DarkBlue).unwrap(),
            serde_json::json!("dark_blue")
        );
        assert_eq!(
            serde_json::from_value::<Colour>(serde_json::json!("red")).unwrap(),
            Colour::Red
        );
        assert!(serde_json::from_value::<Colour>(serde_json::json!("green")).is_err());
        assert!(matches!(
            Colour::Red.to_sql().unwrap(),
            ToSqlOutput::Borrowed(ValueRef::Text(b"red"))
        ));
        assert_eq!(
            Colour::column_result(ValueRef::Text(b"dark_blue")).unwrap(),
            Colour::DarkBlue
        );
        assert!(Colour::column_result(ValueRef::Text(b"green")).is_err());
        let cfg = ts_rs::Config::new();
        assert_eq!(
            <Colour as TS>::decl(&cfg),
            "type Colour = \"red\" | \"dark_blue\";"
        );
    }
}
