//! The language the programs speak: English, or French where the user's locale is French
//! (`LC_ALL`, else `LC_MESSAGES`, else `LANG`, starting with `fr`) or with `--lang fr`.
//!
//! The messages are [Project Fluent](https://projectfluent.org) files, one per language
//! (`common/locales/en.ftl`, `fr.ftl`), built into the programs. A number in French text is
//! written the French way (`1,02×`, `57,1 %`) by [`num`] before it reaches a message. `--json`
//! is the same in every language: its keys and numbers never go through here. clap's own
//! `--help` and its errors stay in English.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering::Relaxed};

pub use fluent_bundle::FluentValue;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// A language the programs speak (`--lang`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

const ENGLISH: &str = include_str!("../locales/en.ftl");
const FRENCH: &str = include_str!("../locales/fr.ftl");

/// 0: not chosen yet; 1: English; 2: French.
static CHOSEN: AtomicU8 = AtomicU8::new(0);

/// Chooses the language: `--lang` if given, else the locale's.
pub fn choose(given: Option<Lang>) {
    let lang = given.unwrap_or_else(|| of_locale(|name| std::env::var(name).ok()));
    CHOSEN.store(if lang == Lang::Fr { 2 } else { 1 }, Relaxed);
}

thread_local! {
    /// A language for this thread alone ([`with_lang`]): tests of both languages at once.
    static OVERRIDE: std::cell::Cell<Option<Lang>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with this thread speaking `lang`, whatever the process chose: a conclusion's tests
/// check both languages side by side.
pub fn with_lang<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    let before = OVERRIDE.with(|o| o.replace(Some(lang)));
    let result = f();
    OVERRIDE.with(|o| o.set(before));
    result
}

/// The language chosen, or the locale's if none was chosen yet.
pub fn current() -> Lang {
    if let Some(lang) = OVERRIDE.with(|o| o.get()) {
        return lang;
    }
    match CHOSEN.load(Relaxed) {
        0 => {
            choose(None);
            current()
        }
        2 => Lang::Fr,
        _ => Lang::En,
    }
}

/// The locale's language, POSIX's way: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set
/// and not empty decides; French if it starts with `fr`.
pub fn of_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
    let value = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .find_map(|name| var(name).filter(|value| !value.is_empty()));
    match value {
        Some(value) if value.starts_with("fr") => Lang::Fr,
        _ => Lang::En,
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: OnceLock<[Bundle; 2]> = OnceLock::new();
    let [en, fr] = BUNDLES.get_or_init(|| [make("en", ENGLISH), make("fr", FRENCH)]);
    if lang == Lang::Fr { fr } else { en }
}

fn make(tag: &str, source: &str) -> Bundle {
    let id = tag.parse().expect("en and fr are language tags");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Plain text for a terminal: no Unicode isolation marks around the arguments.
    bundle.set_use_isolating(false);
    let resource =
        FluentResource::try_new(source.to_string()).unwrap_or_else(|(resource, _)| resource); // a test checks that both parse whole
    bundle.add_resource(resource).expect("each message is defined once");
    bundle
}

/// Message `id` in the chosen language, its `{ $name }`s replaced by `args`; English if the
/// chosen language lacks it (a test checks that none does), its id if neither has it.
pub fn tr(id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    in_lang(current(), id, args)
}

/// Message `id` if there is one, else `fallback`: a table's column named after its JSON key
/// ("got") has a French header where one is written ("column-got = obtenu").
pub fn tr_or(id: &str, fallback: &str) -> String {
    let found = [bundle(current()), bundle(Lang::En)].iter().any(|b| b.has_message(id));
    if found { tr(id, &[]) } else { fallback.to_string() }
}

/// Message `id` in `lang`.
pub fn in_lang(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    for bundle in [bundle(lang), bundle(Lang::En)] {
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
        }
    }
    id.to_string()
}

/// `x` with `decimals` digits after the point, written as the chosen language writes it: `1.02`
/// in English, `1,02` in French.
pub fn num(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    if current() == Lang::Fr { text.replace('.', ",") } else { text }
}

/// `tr!("id", name = value, …)`: [`tr`] with its arguments named as in the `.ftl` files. A value
/// is anything Fluent takes: a `String` or `&str` (numbers already written by [`num`]), or a
/// whole number, which Fluent's plurals can choose by.
#[macro_export]
macro_rules! tr {
    ($id:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::lang::tr($id, &[$((stringify!($name), $crate::lang::FluentValue::from($value))),*])
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids of the messages of one `.ftl` source.
    fn ids(lang: Lang) -> Vec<String> {
        let source = if lang == Lang::Fr { FRENCH } else { ENGLISH };
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_message_has_both_languages_and_both_files_parse_whole() {
        for source in [ENGLISH, FRENCH] {
            assert!(FluentResource::try_new(source.to_string()).is_ok(), "a .ftl does not parse");
        }
        let (mut en, mut fr) = (ids(Lang::En), ids(Lang::Fr));
        en.sort();
        fr.sort();
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|id| !b.contains(id)).cloned().collect()
        };
        assert_eq!(only(&en, &fr), Vec::<String>::new(), "in English only");
        assert_eq!(only(&fr, &en), Vec::<String>::new(), "in French only");
    }

    #[test]
    fn the_locale_chooses_posix_s_way() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|p| p.0 == name).map(|p| p.1.to_string())
        };
        assert_eq!(of_locale(env(&[("LANG", "fr_FR.UTF-8")])), Lang::Fr);
        assert_eq!(of_locale(env(&[("LANG", "fr_FR.UTF-8"), ("LC_ALL", "C")])), Lang::En);
        assert_eq!(of_locale(env(&[("LC_MESSAGES", "fr_CA"), ("LANG", "en_US")])), Lang::Fr);
        assert_eq!(of_locale(env(&[("LC_ALL", ""), ("LANG", "fr_BE")])), Lang::Fr);
        assert_eq!(of_locale(env(&[])), Lang::En);
    }

    #[test]
    fn a_message_reads_its_arguments_in_either_language() {
        let args = [("speedup", FluentValue::from("1,02"))];
        let fr = in_lang(Lang::Fr, "threads-faster", &args);
        assert!(fr.contains("1,02"), "{fr}");
        assert_ne!(fr, in_lang(Lang::En, "threads-faster", &args));
    }
}
