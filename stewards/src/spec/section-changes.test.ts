import { describe, expect, it } from "vitest";
import { compareSectionNumbers, sectionChanges } from "./section-changes.js";
import { parseSections } from "./sections.js";

const FILE = "spec/v1/example.md";
const doc = (...sections: string[]) => `# Example\n\nIntro.\n\n${sections.join("\n\n")}\n`;

describe("parseSections", () => {
  it("never takes a heading inside a fenced block for a section", () => {
    const sections = parseSections(doc("## 1. One\n\n```md\n## 2. Not a heading\n```", "## 2. Two\n\nText."));
    expect(sections.map((section) => section.number)).toEqual(["", "1", "2"]);
    expect(sections[1]?.body).toContain("## 2. Not a heading");
  });
});

describe("sectionChanges", () => {
  it("tells an edit, an addition and a removal apart", () => {
    const base = doc("## 1. One\n\nOld.", "## 2. Two\n\nSame.", "## 3. Three\n\nGone.");
    const head = doc("## 1. One\n\nNew.", "## 2. Two\n\nSame.", "## 4. Four\n\nFresh.");
    expect(sectionChanges(FILE, base, head).map((change) => [change.kind, change.number])).toEqual([
      ["edited", "1"],
      ["removed", "3"],
      ["added", "4"],
    ]);
  });

  it("follows a section moved under a new number by its title, and by its text when retitled too", () => {
    const base = doc("## 1. One\n\nA.", "## 2. Two\n\nB is a long enough body.");
    const byTitle = sectionChanges(FILE, base, doc("## 1. One\n\nA.", "## 3. Two\n\nB is a long enough body."));
    expect(byTitle).toEqual([
      { kind: "renumbered", file: FILE, number: "2", title: "Two", newNumber: "3", bodyChanged: false },
    ]);
    const byText = sectionChanges(FILE, base, doc("## 1. One\n\nA.", "## 3. Deux\n\nB is a long enough body."));
    expect(byText).toEqual([
      {
        kind: "renumbered",
        file: FILE,
        number: "2",
        title: "Two",
        newNumber: "3",
        newTitle: "Deux",
        bodyChanged: false,
      },
    ]);
  });

  it("counts a retitled section that kept its number as an edit", () => {
    const changes = sectionChanges(FILE, doc("## 1. One\n\nA."), doc("## 1. Uno\n\nA."));
    expect(changes).toEqual([{ kind: "edited", file: FILE, number: "1", title: "One", newTitle: "Uno" }]);
  });

  it("lists every section of a file that was added or deleted as a whole", () => {
    expect(sectionChanges(FILE, undefined, doc("## 1. One\n\nA.")).map((change) => change.kind)).toEqual([
      "added",
      "added",
    ]);
    expect(sectionChanges(FILE, doc("## 1. One\n\nA."), undefined).map((change) => change.kind)).toEqual([
      "removed",
      "removed",
    ]);
  });

  it("orders section numbers numerically", () => {
    expect(["2.10", "2.9", "", "10", "2"].sort(compareSectionNumbers)).toEqual(["", "2", "2.9", "2.10", "10"]);
  });
});
