// How every test script ends: main() runs under a hard time limit, and exactly one JSON report is the
// last line on stdout (the Java side reads it). Exit 0 only when the report says ok; 1 when it does
// not; 2 when main() threw; 3 when the time ran out. `partial` gives what the report held so far.
export function runReported(main, { timeoutMs, partial = () => ({}), onTimeout = () => {} }) {
  const hardStop = setTimeout(() => {
    console.log(JSON.stringify({ ...partial(), ok: false, error: `the run took longer than ${timeoutMs} ms` }));
    onTimeout();
    process.exit(3);
  }, timeoutMs);
  main()
    .then((report) => {
      console.log(JSON.stringify(report));
      clearTimeout(hardStop);
      process.exit(report.ok ? 0 : 1);
    })
    .catch((error) => {
      console.log(JSON.stringify({ ...partial(), ok: false, error: String(error?.stack ?? error) }));
      clearTimeout(hardStop);
      process.exit(2);
    });
}
