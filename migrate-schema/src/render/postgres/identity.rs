//! An identity column's sequence options changed in place: `ALTER COLUMN
//! ... SET INCREMENT BY ... SET START WITH ...`, every option set, so that
//! an option the desired side leaves at its default goes back to it.

/// The options of [`Column::identity_options`](crate::model::Column)'s
/// text, by name (`START WITH`, `INCREMENT BY`, `MINVALUE`, `MAXVALUE`,
/// `CACHE`; `CYCLE` alone).
struct Options<'a> {
    start: Option<&'a str>,
    increment: Option<&'a str>,
    min: Option<&'a str>,
    max: Option<&'a str>,
    cache: Option<&'a str>,
    cycle: bool,
}

fn parse(text: &str) -> Options<'_> {
    let mut o = Options {
        start: None,
        increment: None,
        min: None,
        max: None,
        cache: None,
        cycle: false,
    };
    let mut words = text.split_whitespace();
    while let Some(word) = words.next() {
        match word {
            "START" | "INCREMENT" => {
                // `START WITH n`, `INCREMENT BY n`.
                let value = words.nth(1);
                if word == "START" {
                    o.start = value;
                } else {
                    o.increment = value;
                }
            }
            "MINVALUE" => o.min = words.next(),
            "MAXVALUE" => o.max = words.next(),
            "CACHE" => o.cache = words.next(),
            "CYCLE" => o.cycle = true,
            _ => {}
        }
    }
    o
}

/// Whether an identity with these options counts down.
pub(super) fn descending(options: Option<&str>) -> bool {
    parse(options.unwrap_or(""))
        .increment
        .is_some_and(|i| i.starts_with('-'))
}

/// Where an identity with these options starts: its `START WITH`, else
/// the near end of its range (its minimum counting up, maximum down).
pub(super) fn start(options: Option<&str>) -> String {
    let o = parse(options.unwrap_or(""));
    let descending = o.increment.is_some_and(|i| i.starts_with('-'));
    o.start
        .unwrap_or(match descending {
            true => o.max.unwrap_or("-1"),
            false => o.min.unwrap_or("1"),
        })
        .to_owned()
}

/// `SET ...` actions giving an identity the options `to` (`None`: all at
/// their defaults). The start is always set: left alone, it would stay
/// where the old options put it.
///
/// ```text
/// SET INCREMENT BY 5 SET MINVALUE -100 SET MAXVALUE 100 SET START WITH -100 SET CACHE 1 SET NO CYCLE
/// ```
pub(super) fn set_options(to: Option<&str>) -> String {
    let o = parse(to.unwrap_or(""));
    let increment = o.increment.unwrap_or("1");
    let start = start(to);
    let bound = |name: &str, value: Option<&str>| match value {
        Some(v) => format!("SET {name} {v}"),
        None => format!("SET NO {name}"),
    };
    [
        format!("SET INCREMENT BY {increment}"),
        bound("MINVALUE", o.min),
        bound("MAXVALUE", o.max),
        format!("SET START WITH {start}"),
        format!("SET CACHE {}", o.cache.unwrap_or("1")),
        if o.cycle { "SET CYCLE" } else { "SET NO CYCLE" }.to_owned(),
    ]
    .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_is_set_and_a_missing_one_goes_back_to_its_default() {
        assert_eq!(
            set_options(Some("START WITH -100 INCREMENT BY 5 MINVALUE -100 MAXVALUE 100")),
            "SET INCREMENT BY 5 SET MINVALUE -100 SET MAXVALUE 100 SET START WITH -100 SET CACHE 1 SET NO CYCLE"
        );
        assert_eq!(
            set_options(None),
            "SET INCREMENT BY 1 SET NO MINVALUE SET NO MAXVALUE SET START WITH 1 SET CACHE 1 SET NO CYCLE"
        );
        // Descending, the start is at the top.
        assert_eq!(
            set_options(Some("INCREMENT BY -2 MAXVALUE -10 CACHE 20 CYCLE")),
            "SET INCREMENT BY -2 SET NO MINVALUE SET MAXVALUE -10 SET START WITH -10 SET CACHE 20 SET CYCLE"
        );
    }
}
