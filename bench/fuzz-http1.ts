// npm run fuzz:http1 -- --runs 1000000 [--seed N] [--kind request|response|both]
// The long differential fuzz of the controller's HTTP/1.1 parser against llhttp (tests/helpers/http1-differential.ts);
// CI runs a few thousand cases in tests/controller/http1/differential-fuzz.test.ts. Prints progress, how many cases
// each side accepted, refused or left incomplete, the most frequent error codes, and any counterexample (shrunk).
import fc from "fast-check";
import {
  acceptedAll,
  checkStream,
  describeCase,
  requestStreams,
  responseStreams,
  type Outcome,
  type StreamCase,
} from "../tests/helpers/http1-differential";

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const runs = Number(option("runs") ?? 200_000);
const seed = Number(option("seed") ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0);
const kind = option("kind") ?? "both";
const PROGRESS_EVERY = 20_000;

type Verdict = "accepted" | "refused" | "incomplete";

function verdict(outcome: Outcome): Verdict {
  if (outcome.error !== undefined) return "refused";
  return acceptedAll(outcome) ? "accepted" : "incomplete";
}

const tally = {
  cases: 0,
  ours: { accepted: 0, refused: 0, incomplete: 0 },
  llhttp: { accepted: 0, refused: 0, incomplete: 0 },
  bothAccepted: 0,
  onlyLlhttpAccepted: 0,
  oursCodes: new Map<string, number>(),
  llhttpCodes: new Map<string, number>(),
};

function count(codes: Map<string, number>, code: string | undefined): void {
  if (code !== undefined) codes.set(code, (codes.get(code) ?? 0) + 1);
}

const started = Date.now();

function report(): void {
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `${tally.cases} cases in ${seconds.toFixed(0)} s | ours ${JSON.stringify(tally.ours)} | llhttp ${JSON.stringify(tally.llhttp)} | both accepted ${tally.bothAccepted}, only llhttp accepted ${tally.onlyLlhttpAccepted}`,
  );
}

function top(codes: Map<string, number>): string {
  return [...codes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([code, n]) => `${code} ${n}`)
    .join(", ");
}

const streams: fc.Arbitrary<StreamCase> =
  kind === "request"
    ? requestStreams
    : kind === "response"
      ? responseStreams
      : fc.oneof(requestStreams, responseStreams);

console.log(`fuzzing ${kind} streams: ${runs} cases, seed ${seed}`);
try {
  fc.assert(
    fc.property(streams, (c) => {
      const { ours, theirs, problem } = checkStream(c);
      if (problem !== null) throw new Error(`${problem}\n  case: ${describeCase(c)}`);
      tally.cases++;
      const o = verdict(ours);
      const t = verdict(theirs);
      tally.ours[o]++;
      tally.llhttp[t]++;
      if (o === "accepted" && t === "accepted") tally.bothAccepted++;
      if (o !== "accepted" && t === "accepted") tally.onlyLlhttpAccepted++;
      count(tally.oursCodes, ours.error);
      count(tally.llhttpCodes, theirs.error);
      if (tally.cases % PROGRESS_EVERY === 0) report();
    }),
    { numRuns: runs, seed },
  );
  if (tally.cases % PROGRESS_EVERY !== 0) report();
  console.log(`ours refused with: ${top(tally.oursCodes)}`);
  console.log(`llhttp refused with: ${top(tally.llhttpCodes)}`);
  console.log("no disagreement");
} catch (e) {
  report();
  const cause = (e as Error).cause;
  console.error(
    `DISAGREEMENT (seed ${seed}):\n${(e as Error).message}${cause instanceof Error ? `\n${cause.message}` : ""}`,
  );
  process.exitCode = 1;
}
