use super::*;

#[test]
fn summarizes_samples() {
    let s = Summary::of(&[5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 6.0, 7.0, 8.0, 9.0]);
    assert_eq!((s.median, s.p90, s.min), (5.5, 9.0, 1.0));
    let s = Summary::of(&[3.0]);
    assert_eq!((s.median, s.p90, s.min), (3.0, 3.0, 3.0));
}

#[test]
fn reads_fast_and_slow_samples() {
    let output = "noise\n\
                  LOADTIME widget_ms 100.5 110.0\n\
                  LOADTIME vanilla_ms 20.0 22.0\n\
                  LOADTIME slow_widget_ms 2500.0 2600.0\n\
                  LOADTIME slow_vanilla_ms 400.0 410.5\n\
                  LOADTIME slow_cpu_factor 3.9 4.2\n\
                  LOADTIME widget_bundle_ms 40.0 45.0\n\
                  LOADTIME slow_widget_bundle_ms 2000.0 2100.0\n\
                  LOADTIME widget_live_ms 60.0 61.0\n\
                  LOADTIME slow_widget_live_ms 2600.0 2700.0\n\
                  LOADTIME widget_previewed 1 0\n\
                  LOADTIME slow_widget_previewed 1 1\n\
                  LOADTIME warm_widget_ms 30.0 31.0\n\
                  LOADTIME warm_vanilla_ms 15.0 16.0\n\
                  LOADTIME slow_warm_widget_ms 300.0\n\
                  LOADTIME slow_warm_vanilla_ms 180.0\n\
                  LOADTIME bytes /kasse.js br 1200 900 3000\n";
    let s = Samples::parse(output).unwrap();
    assert_eq!(s.widget, vec![100.5, 110.0]);
    assert_eq!(s.vanilla, vec![20.0, 22.0]);
    assert_eq!(s.slow_widget, vec![2500.0, 2600.0]);
    assert_eq!(s.slow_vanilla, vec![400.0, 410.5]);
    assert_eq!(s.slow_cpu_factor, vec![3.9, 4.2]);
    assert_eq!(s.widget_bundle, vec![40.0, 45.0]);
    assert_eq!(s.slow_widget_bundle, vec![2000.0, 2100.0]);
    assert_eq!((s.widget_live, s.widget_previewed), (vec![60.0, 61.0], vec![1.0, 0.0]));
    assert_eq!(
        (s.slow_widget_live, s.slow_widget_previewed),
        (vec![2600.0, 2700.0], vec![1.0, 1.0])
    );
    assert_eq!((s.warm_widget, s.warm_vanilla), (vec![30.0, 31.0], vec![15.0, 16.0]));
    assert_eq!((s.slow_warm_widget, s.slow_warm_vanilla), (vec![300.0], vec![180.0]));
    assert_eq!(s.bytes, vec![vec!["/kasse.js", "br", "1200", "900", "3000"]]);
    // The slow pass may be off (no lines), but not half there.
    let fast = "LOADTIME widget_ms 1\nLOADTIME vanilla_ms 2\nLOADTIME widget_bundle_ms 0.5\n\
                LOADTIME widget_live_ms 1.5\nLOADTIME widget_previewed 1\n";
    assert!(Samples::parse(fast).is_ok());
    assert!(Samples::parse(&format!("{fast}LOADTIME slow_widget_ms 3\n")).is_err());
    assert!(Samples::parse(&format!("{fast}LOADTIME warm_widget_ms 3\n")).is_err());
    assert!(
        Samples::parse("LOADTIME widget_ms 1\nLOADTIME vanilla_ms 2\n").is_err(),
        "a run without its bundle time"
    );
    assert!(Samples::parse("LOADTIME widget_ms 1\n").is_err());
    assert!(Samples::parse("LOADTIME widget_ms 1\nLOADTIME vanilla_ms 2\nLOADTIME what 3\n").is_err());
}

#[test]
fn splits_the_widget_time_at_the_bundle() {
    assert_eq!(
        split_line(&[40.0, 50.0, 45.0], &[70.0, 80.0, 72.0], &[1.0, 0.0, 1.0], 20.0),
        "widget medians: bundle's last byte at 45.0 ms, then 30.0 ms to compile, start, render and take \
         over: the widget runs at 72.0 ms (3.6× the vanilla form); ready came with the gateway's preview \
         in 2 of 3 runs"
    );
}

#[test]
fn prints_the_ratio_against_the_goal() {
    assert_eq!(
        goal_line("mount → ready", 3.06),
        "mount → ready: widget/vanilla median ratio 3.1× (goal ≤ 2.5×)"
    );
}
