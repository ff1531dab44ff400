import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { benchmarkRun, syncFigures } from "../test/benchmarkFixtures";
import { BenchmarkProgress, describePhase, runTiming } from "./BenchmarkProgress";

const RUNNING = benchmarkRun({ status: "RUNNING", sync: null, async: null, finished_at: null });

describe("describePhase", () => {
  it("waits for the run before it is stored", () => {
    expect(describePhase(null)).toMatch(/^Starting the run/);
  });

  it("says sync is done once its figures exist", () => {
    expect(describePhase({ ...RUNNING, sync: syncFigures() })).toBe("Sync phase done, async running.");
  });

  it("explains that figures come at the end", () => {
    expect(describePhase(RUNNING)).toMatch(/Sync phase running/);
  });
});

describe("runTiming", () => {
  it("measures from started_at to deadline_at", () => {
    const now = Date.parse("2025-01-01T10:00:30.000Z");
    expect(runTiming(RUNNING, now)).toEqual({ elapsedSeconds: 30, totalSeconds: 300 });
  });

  it("clamps to the deadline and to zero", () => {
    expect(runTiming(RUNNING, Date.parse("2025-01-01T11:00:00.000Z")).elapsedSeconds).toBe(300);
    expect(runTiming(RUNNING, Date.parse("2025-01-01T09:00:00.000Z")).elapsedSeconds).toBe(0);
  });
});

describe("BenchmarkProgress", () => {
  it("shows a progress bar against the deadline", () => {
    render(<BenchmarkProgress run={RUNNING} />);
    const bar = screen.getByRole("progressbar", { name: "Elapsed time against the run's deadline" });
    expect(bar).toHaveAttribute("aria-valuemax", "300");
    expect(screen.getByTestId("benchmark-elapsed")).toHaveTextContent(/elapsed of at most 5 min 0 s/);
  });

  it("shows a starting message before the run is stored", () => {
    render(<BenchmarkProgress run={null} />);
    expect(screen.getByTestId("benchmark-phase")).toHaveTextContent(/waiting for the API to register it/);
    expect(screen.queryByTestId("benchmark-elapsed")).not.toBeInTheDocument();
    expect(screen.getByRole("progressbar")).not.toHaveAttribute("aria-valuenow");
  });
});
