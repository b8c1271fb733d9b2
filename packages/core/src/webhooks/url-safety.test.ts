import { describe, expect, it } from "vitest";
import { isRefusedAddress } from "./address-ranges.js";
import {
  checkWebhookUrl,
  resolveWebhookAddresses,
  type WebhookLookup,
  type WebhookUrlRejection,
  WebhookUrlRejectedError,
} from "./url-safety.js";

const STRICT = { allowPrivate: false };
const DEV = { allowPrivate: true };

function rejection(run: () => unknown): WebhookUrlRejection | "accepted" {
  try {
    run();
    return "accepted";
  } catch (error) {
    if (error instanceof WebhookUrlRejectedError) return error.reason;
    throw error;
  }
}

async function asyncRejection(run: () => Promise<unknown>): Promise<WebhookUrlRejection | "accepted"> {
  try {
    await run();
    return "accepted";
  } catch (error) {
    if (error instanceof WebhookUrlRejectedError) return error.reason;
    throw error;
  }
}

/** Every refused IPv4 range, by its first address, one inside and its last address. */
const REFUSED_IPV4 = [
  ["0.0.0.0/8", "0.0.0.0", "0.1.2.3", "0.255.255.255"],
  ["10.0.0.0/8", "10.0.0.0", "10.20.30.40", "10.255.255.255"],
  ["100.64.0.0/10", "100.64.0.0", "100.100.1.1", "100.127.255.255"],
  ["127.0.0.0/8", "127.0.0.0", "127.0.0.1", "127.255.255.255"],
  ["169.254.0.0/16", "169.254.0.0", "169.254.169.254", "169.254.255.255"],
  ["172.16.0.0/12", "172.16.0.0", "172.20.1.1", "172.31.255.255"],
  ["192.0.0.0/24", "192.0.0.0", "192.0.0.8", "192.0.0.255"],
  ["192.168.0.0/16", "192.168.0.0", "192.168.1.1", "192.168.255.255"],
  ["198.18.0.0/15", "198.18.0.0", "198.18.200.1", "198.19.255.255"],
  ["224.0.0.0/4", "224.0.0.0", "230.1.2.3", "239.255.255.255"],
  ["240.0.0.0/4", "240.0.0.0", "250.1.2.3", "255.255.255.254"],
  ["255.255.255.255/32", "255.255.255.255", "255.255.255.255", "255.255.255.255"],
] as const;

const REFUSED_IPV4_PAIRS: readonly (readonly [string, string])[] = REFUSED_IPV4.flatMap(([range, ...addresses]) =>
  addresses.map((address) => [range, address] as const),
);

/** Addresses just outside those ranges, and other public ones: all must pass. */
const PUBLIC_IPV4 = [
  "1.1.1.1",
  "8.8.8.8",
  "9.255.255.255",
  "11.0.0.0",
  "100.63.255.255",
  "100.128.0.0",
  "126.255.255.255",
  "128.0.0.0",
  "169.253.255.255",
  "169.255.0.0",
  "172.15.255.255",
  "172.32.0.0",
  "192.0.1.0",
  "192.167.255.255",
  "192.169.0.0",
  "198.17.255.255",
  "198.20.0.0",
  "203.0.113.7",
  "223.255.255.255",
];

const REFUSED_IPV6 = [
  ["::/128", "::"],
  ["::1/128", "::1"],
  ["fe80::/10 first", "fe80::"],
  ["fe80::/10", "fe80::1"],
  ["fe80::/10 last", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["fc00::/7 first", "fc00::"],
  ["fc00::/7", "fd12:3456:789a::1"],
  ["fc00::/7 last", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["ff00::/8", "ff02::1"],
  ["ff00::/8 last", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["IPv4-mapped loopback", "::ffff:127.0.0.1"],
  ["IPv4-mapped loopback, hex", "::ffff:7f00:1"],
  ["IPv4-mapped private", "::ffff:10.1.2.3"],
  ["IPv4-mapped metadata", "::ffff:169.254.169.254"],
  ["IPv4-mapped unspecified", "::ffff:0.0.0.0"],
  ["IPv4-translated private", "::ffff:0:192.168.1.1"],
  ["NAT64 loopback", "64:ff9b::127.0.0.1"],
  ["NAT64 private", "64:ff9b::a00:1"],
  ["NAT64 local-use", "64:ff9b:1::8.8.8.8"],
  ["6to4 of loopback", "2002:7f00:1::1"],
  ["6to4 of private", "2002:c0a8:101::"],
  ["6to4 of link-local", "2002:a9fe:a9fe:1::1"],
  ["IPv4-compatible", "::127.0.0.1"],
  ["IPv4-compatible public", "::8.8.8.8"],
  ["Teredo", "2001:0:4136:e378:8000:63bf:3fff:fdd2"],
  ["site-local", "fec0::1"],
  ["discard-only", "100::1"],
] as const;

const PUBLIC_IPV6 = [
  "2606:4700:4700::1111",
  "2001:4860:4860::8888",
  "2001:db8::1",
  "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
  "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
  "fe00::1",
  "::ffff:8.8.8.8",
  "64:ff9b::8.8.8.8",
  "2002:808:808::1",
  "2001:1::1",
];

describe("isRefusedAddress", () => {
  it.each(REFUSED_IPV4_PAIRS)("refuses %s at %s", (_range, address) => {
    expect(isRefusedAddress(address)).toBe(true);
  });
  it.each(PUBLIC_IPV4)("admits %s", (address) => {
    expect(isRefusedAddress(address)).toBe(false);
  });
  it.each(REFUSED_IPV6)("refuses %s: %s", (_label, address) => {
    expect(isRefusedAddress(address)).toBe(true);
  });
  it.each(PUBLIC_IPV6)("admits %s", (address) => {
    expect(isRefusedAddress(address)).toBe(false);
  });
  it("ignores an interface zone and fails closed on what is not an address", () => {
    expect(isRefusedAddress("fe80::1%eth0")).toBe(true);
    expect(isRefusedAddress("2606:4700:4700::1111%eth0")).toBe(false);
    expect(isRefusedAddress("example.com")).toBe(true);
    expect(isRefusedAddress("")).toBe(true);
    expect(isRefusedAddress("1.2.3")).toBe(true);
  });
});

describe("checkWebhookUrl", () => {
  it("accepts a public https URL and returns it parsed", () => {
    const url = checkWebhookUrl("https://Hooks.Example.com:8443/in?x=1", STRICT);
    expect(url).toBeInstanceOf(URL);
    expect(url.hostname).toBe("hooks.example.com");
    expect(url.port).toBe("8443");
    expect(url.search).toBe("?x=1");
  });

  it.each([
    "",
    "not a url",
    "/relative/path",
    "//example.com/x",
    "https:example.com",
    "https:/example.com",
    "https:///example.com",
    "https://",
    " https://example.com/",
    "https://example.com/ ",
    "https://exa mple.com/",
    "https://[::1/",
  ])("refuses the malformed %j", (raw) => {
    expect(rejection(() => checkWebhookUrl(raw, STRICT))).toBe("malformed");
    expect(rejection(() => checkWebhookUrl(raw, DEV))).toBe("malformed");
  });

  it("refuses every scheme but https, and admits plain http only under allowPrivate", () => {
    for (const raw of ["http://example.com/", "ftp://example.com/", "ws://example.com/", "file://host/etc/passwd"]) {
      expect(rejection(() => checkWebhookUrl(raw, STRICT))).toBe("not_https");
    }
    expect(rejection(() => checkWebhookUrl("HTTP://example.com/", STRICT))).toBe("not_https");
    expect(rejection(() => checkWebhookUrl("http://example.com/", DEV))).toBe("accepted");
    expect(rejection(() => checkWebhookUrl("ftp://example.com/", DEV))).toBe("not_https");
    expect(rejection(() => checkWebhookUrl("HTTPS://example.com/", STRICT))).toBe("accepted");
  });

  it.each([
    "https://user:hunter2@example.com/",
    "https://user@example.com/",
    "https://:hunter2@example.com/",
    "https://@example.com/",
    "https://:@example.com/",
    "https://a%40b@example.com/",
  ])("refuses user information in %s, in both modes, without repeating it", (raw) => {
    for (const policy of [STRICT, DEV]) {
      try {
        checkWebhookUrl(raw, policy);
        expect.unreachable("user information was accepted");
      } catch (error) {
        expect(error).toBeInstanceOf(WebhookUrlRejectedError);
        expect((error as WebhookUrlRejectedError).reason).toBe("userinfo");
        expect((error as Error).message).not.toContain("hunter2");
      }
    }
  });

  it("does not take an @ in the path or query for user information", () => {
    expect(rejection(() => checkWebhookUrl("https://example.com/a@b?c=d@e#f@g", STRICT))).toBe("accepted");
    // WHATWG ends a special URL's authority at a backslash: the host is evil.example.
    expect(checkWebhookUrl("https://evil.example\\@good.example/", STRICT).hostname).toBe("evil.example");
  });

  it.each([
    "https://localhost/",
    "https://LOCALHOST/",
    "https://localhost./",
    "https://LocalHost..:8443/",
    "https://api.localhost/",
    "https://a.b.LOCALHOST./",
    "https://local%68ost/",
  ])("refuses %s as a forbidden name, and admits it under allowPrivate", (raw) => {
    expect(rejection(() => checkWebhookUrl(raw, STRICT))).toBe("forbidden_name");
    expect(rejection(() => checkWebhookUrl(raw.replace("https:", "http:"), DEV))).toBe("accepted");
  });

  it("does not take a name that merely contains localhost for it", () => {
    expect(rejection(() => checkWebhookUrl("https://localhost.example.com/", STRICT))).toBe("accepted");
    expect(rejection(() => checkWebhookUrl("https://mylocalhost/", STRICT))).toBe("accepted");
    expect(rejection(() => checkWebhookUrl("https://metadata.example.com/", STRICT))).toBe("accepted");
  });

  it.each([
    "https://metadata/",
    "https://METADATA./",
    "https://metadata.google.internal/",
    "https://Metadata.Google.Internal./computeMetadata/v1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://169.254.169.254./",
    "https://0xa9fea9fe/",
    "https://2852039166/",
    "https://0251.0376.0251.0376/",
    "https://[::ffff:169.254.169.254]/",
    "https://[::ffff:a9fe:a9fe]/",
    "https://[64:ff9b::169.254.169.254]/",
    "https://[2002:a9fe:a9fe::1]/",
  ])("refuses the metadata service %s in both modes", (raw) => {
    expect(rejection(() => checkWebhookUrl(raw, STRICT))).toBe("forbidden_name");
    expect(rejection(() => checkWebhookUrl(raw, DEV))).toBe("forbidden_name");
  });

  it.each(REFUSED_IPV4_PAIRS)(
    "refuses the IPv4 literal of %s %s, and admits it under allowPrivate",
    (_range, address) => {
      const raw = `https://${address}/hook`;
      const expected = address === "169.254.169.254" ? "forbidden_name" : "private_address";
      expect(rejection(() => checkWebhookUrl(raw, STRICT))).toBe(expected);
      expect(rejection(() => checkWebhookUrl(raw, DEV))).toBe(
        expected === "forbidden_name" ? "forbidden_name" : "accepted",
      );
    },
  );

  it("refuses IPv4 literals in the other spellings WHATWG accepts", () => {
    for (const raw of ["https://127.1/", "https://0x7f000001/", "https://2130706433/", "https://012.0.0.1/"]) {
      expect(rejection(() => checkWebhookUrl(raw, STRICT))).toBe("private_address");
    }
  });

  it.each(REFUSED_IPV6.filter(([label]) => !label.includes("metadata") && !label.includes("link-local")))(
    "refuses the IPv6 literal %s %s, and admits it under allowPrivate",
    (_label, address) => {
      const raw = `https://[${address}]:8443/`;
      expect(rejection(() => checkWebhookUrl(raw, STRICT))).toBe("private_address");
      expect(rejection(() => checkWebhookUrl(raw, DEV))).toBe("accepted");
    },
  );

  it.each([...PUBLIC_IPV4.map((a) => `https://${a}/`), ...PUBLIC_IPV6.map((a) => `https://[${a}]/`)])(
    "admits the public literal %s",
    (raw) => {
      expect(rejection(() => checkWebhookUrl(raw, STRICT))).toBe("accepted");
    },
  );

  it("names the refused literal in the error, and never the URL", () => {
    try {
      checkWebhookUrl("https://10.1.2.3/secret-path?token=abc", STRICT);
      expect.unreachable("a private literal was accepted");
    } catch (error) {
      expect((error as WebhookUrlRejectedError).address).toBe("10.1.2.3");
      expect((error as Error).message).not.toContain("secret-path");
      expect((error as Error).message).not.toContain("token");
    }
  });
});

/** A resolver that answers fixed addresses and records the names it was asked. */
function fixedLookup(...addresses: string[]): WebhookLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string) => {
    asked.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(lookup, { asked });
}

describe("resolveWebhookAddresses", () => {
  const url = new URL("https://hooks.example.com/in");

  it("returns every validated address, IPv4 and IPv6, without repeats", async () => {
    const lookup = fixedLookup("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "93.184.215.14");
    const addresses = await resolveWebhookAddresses(url, STRICT, lookup);
    expect(addresses).toEqual([
      { address: "93.184.215.14", family: 4 },
      { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
    ]);
    expect(lookup.asked).toEqual(["hooks.example.com"]);
  });

  it.each<readonly [string, string]>([...REFUSED_IPV4_PAIRS, ...REFUSED_IPV6])(
    "refuses a public-looking name that resolves into %s (%s)",
    async (_range, address) => {
      const lookup = fixedLookup(address);
      await expect(resolveWebhookAddresses(url, STRICT, lookup)).rejects.toMatchObject({
        reason: "private_address",
        address,
      });
      expect(lookup.asked).toEqual(["hooks.example.com"]);
    },
  );

  it("refuses a mixed answer when any one address is refused, wherever it comes", async () => {
    for (const answer of [
      ["93.184.215.14", "10.0.0.5"],
      ["10.0.0.5", "93.184.215.14"],
      ["2606:4700:4700::1111", "93.184.215.14", "::1"],
      ["93.184.215.14", "::ffff:192.168.0.1"],
    ]) {
      expect(await asyncRejection(() => resolveWebhookAddresses(url, STRICT, fixedLookup(...answer)))).toBe(
        "private_address",
      );
    }
  });

  it("admits every address under allowPrivate", async () => {
    const answer = ["127.0.0.1", "::1", "10.0.0.1", "169.254.169.254", "fd00::1"];
    const addresses = await resolveWebhookAddresses(new URL("http://hooks.example.com/"), DEV, fixedLookup(...answer));
    expect(addresses.map((a) => a.address)).toEqual(answer);
  });

  it("answers an IP literal with itself, without asking the resolver", async () => {
    const lookup = fixedLookup("10.0.0.1");
    expect(await resolveWebhookAddresses(new URL("https://93.184.215.14/"), STRICT, lookup)).toEqual([
      { address: "93.184.215.14", family: 4 },
    ]);
    expect(await resolveWebhookAddresses(new URL("https://[2606:4700:4700::1111]/"), STRICT, lookup)).toEqual([
      { address: "2606:4700:4700::1111", family: 6 },
    ]);
    expect(lookup.asked).toEqual([]);
    expect(await asyncRejection(() => resolveWebhookAddresses("https://[fd00::1]/", STRICT, lookup))).toBe(
      "private_address",
    );
  });

  it("checks the URL itself again, from a string or a URL object", async () => {
    const lookup = fixedLookup("93.184.215.14");
    expect(await asyncRejection(() => resolveWebhookAddresses("http://hooks.example.com/", STRICT, lookup))).toBe(
      "not_https",
    );
    expect(
      await asyncRejection(() => resolveWebhookAddresses(new URL("http://hooks.example.com/"), STRICT, lookup)),
    ).toBe("not_https");
    expect(
      await asyncRejection(() => resolveWebhookAddresses(new URL("https://u:p@hooks.example.com/"), STRICT, lookup)),
    ).toBe("userinfo");
    expect(await asyncRejection(() => resolveWebhookAddresses(new URL("https://localhost/"), STRICT, lookup))).toBe(
      "forbidden_name",
    );
    expect(lookup.asked).toEqual([]);
  });

  it("calls a name that does not resolve, or resolves to nothing, unresolvable", async () => {
    const failing: WebhookLookup = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND hooks.example.com"), { code: "ENOTFOUND" });
    };
    expect(await asyncRejection(() => resolveWebhookAddresses(url, STRICT, failing))).toBe("unresolvable");
    expect(await asyncRejection(() => resolveWebhookAddresses(url, STRICT, fixedLookup()))).toBe("unresolvable");
    expect(await asyncRejection(() => resolveWebhookAddresses(url, DEV, fixedLookup("not-an-ip")))).toBe(
      "unresolvable",
    );
  });

  it("asks the system resolver by default (localhost, under allowPrivate)", async () => {
    const addresses = await resolveWebhookAddresses(new URL("http://localhost:1/"), DEV);
    expect(addresses.length).toBeGreaterThan(0);
    for (const { address } of addresses) expect(["127.0.0.1", "::1"]).toContain(address);
  });
});
