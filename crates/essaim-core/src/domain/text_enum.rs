//! Closed vocabularies stored as short codes (`TEXT` columns with a `CHECK`), shown in French.

/// Declares an enum stored as a text code, with its French label.
///
/// Generates `as_str`, `label`, `parse`, `ALL`, `Display`, serde as the code, and the
/// conversions diesel needs for `serialize_as = String` / `deserialize_as = String`.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored code.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The French label shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Reads a stored code.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = String;
            fn try_from(code: String) -> Result<Self, String> {
                $name::parse(&code).ok_or_else(|| format!("valeur inconnue pour {}: {code}", stringify!($name)))
            }
        }

        impl ::std::convert::From<$name> for String {
            fn from(value: $name) -> String {
                value.as_str().to_owned()
            }
        }

        // Lets queries compare a column with a value of the vocabulary, never a bare string.
        impl ::diesel::expression::AsExpression<::diesel::sql_types::Text> for $name {
            type Expression = <&'static str as ::diesel::expression::AsExpression<::diesel::sql_types::Text>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'static str as ::diesel::expression::AsExpression<::diesel::sql_types::Text>>::as_expression(self.as_str())
            }
        }

        impl ::diesel::expression::AsExpression<::diesel::sql_types::Nullable<::diesel::sql_types::Text>> for $name {
            type Expression = <&'static str as ::diesel::expression::AsExpression<
                ::diesel::sql_types::Nullable<::diesel::sql_types::Text>,
            >>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'static str as ::diesel::expression::AsExpression<
                    ::diesel::sql_types::Nullable<::diesel::sql_types::Text>,
                >>::as_expression(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <String as ::serde::Deserialize>::deserialize(d)?;
                $name::parse(&code).ok_or_else(|| {
                    let known: &[&str] = &[$($code),+];
                    ::serde::de::Error::custom(format!("valeur inconnue « {code} » (valeurs possibles : {})", known.join(", ")))
                })
            }
        }

        // The set-up file's JSON Schema names the codes (docs/consultation-json.md).
        impl $crate::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut $crate::schemars::SchemaGenerator) -> $crate::schemars::Schema {
                $crate::schemars::json_schema!({ "type": "string", "enum": [$($code),+] })
            }
        }
    };
}
