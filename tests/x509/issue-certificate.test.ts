import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { derLength, derObjectIdentifier, derTime, derUnsignedInteger } from "../../sdk/x509/asn1-der";
import {
  createFallbackCertificate,
  FALLBACK_CERTIFICATE_NAME,
} from "../../sdk/controller/proxy/fallback-certificate";
import { issueCertificate } from "../../sdk/x509/issue-certificate";

const createSelfSignedCertificate = (o: {
  commonName: string;
  altNames?: string[];
  organization?: string;
  days?: number;
}) =>
  issueCertificate({
    subject: { commonName: o.commonName, ...(o.organization ? { organization: o.organization } : {}) },
    altNames: o.altNames,
    days: o.days,
  });

describe("DER encoder", () => {
  it("encodes lengths in short and long form", () => {
    assert.deepEqual([...derLength(0)], [0x00]);
    assert.deepEqual([...derLength(127)], [0x7f]);
    assert.deepEqual([...derLength(128)], [0x81, 0x80]);
    assert.deepEqual([...derLength(256)], [0x82, 0x01, 0x00]);
    assert.deepEqual([...derLength(70_000)], [0x83, 0x01, 0x11, 0x70]);
  });

  it("encodes object identifiers with base-128 arcs", () => {
    assert.equal(derObjectIdentifier("2.5.4.3").toString("hex"), "0603550403");
    assert.equal(derObjectIdentifier("1.2.840.10045.4.3.2").toString("hex"), "06082a8648ce3d040302");
    assert.throws(() => derObjectIdentifier("1.x"), /invalid OID/);
  });

  it("encodes unsigned integers minimally, with a 0x00 before a high bit", () => {
    assert.equal(derUnsignedInteger(Buffer.from([0x00, 0x00, 0x05])).toString("hex"), "020105");
    assert.equal(derUnsignedInteger(Buffer.from([0x80])).toString("hex"), "02020080");
    assert.equal(derUnsignedInteger(Buffer.from([0x00])).toString("hex"), "020100");
  });

  it("uses UTCTime before 2050 and GeneralizedTime from 2050", () => {
    assert.equal(derTime(new Date("2026-01-02T03:04:05Z")).toString("latin1"), "\x17\x0d260102030405Z");
    assert.equal(derTime(new Date("2051-01-02T03:04:05Z")).toString("latin1"), "\x18\x0f20510102030405Z");
  });
});

describe("self-signed certificates", () => {
  it("parse with node:crypto, verify with their own key and carry the requested names", () => {
    const { cert, key } = createSelfSignedCertificate({
      commonName: "shop.example.com",
      altNames: ["shop.example.com", "*.shop.example.com", "127.0.0.1"],
      days: 10,
    });
    const x509 = new X509Certificate(cert);
    assert.equal(x509.subject, "CN=shop.example.com");
    assert.equal(x509.issuer, "CN=shop.example.com");
    assert.equal(x509.subjectAltName, "DNS:shop.example.com, DNS:*.shop.example.com, IP Address:127.0.0.1");
    assert.ok(x509.verify(x509.publicKey));
    assert.ok(x509.checkPrivateKey(createPrivateKey(key)));
    assert.equal(x509.checkHost("a.shop.example.com"), "*.shop.example.com");
    assert.equal(x509.ca, false);
    const days = (Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / 86400_000;
    assert.equal(days, 10);
    assert.ok(Date.parse(x509.validFrom) <= Date.now());
  });

  it("rejects names that are neither DNS names nor IPv4 addresses", () => {
    assert.throws(
      () => createSelfSignedCertificate({ commonName: "x", altNames: ["not a name"] }),
      /invalid subjectAltName "not a name"/,
    );
  });

  it("is accepted by the openssl CLI when it is installed", (t) => {
    if (spawnSync("openssl", ["version"]).status !== 0) {
      t.skip("openssl not installed");
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "ingress-kit-cert-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const { cert } = createSelfSignedCertificate({ commonName: "check.test" });
    writeFileSync(join(dir, "cert.pem"), cert);
    const verify = spawnSync("openssl", ["verify", "-CAfile", join(dir, "cert.pem"), join(dir, "cert.pem")], {
      encoding: "utf8",
    });
    assert.equal(verify.status, 0, verify.stderr);
    const text = spawnSync("openssl", ["x509", "-in", join(dir, "cert.pem"), "-noout", "-text"], {
      encoding: "utf8",
    });
    assert.match(text.stdout, /TLS Web Server Authentication/);
    assert.match(text.stdout, /CA:FALSE/);
  });

  it("makes a fallback certificate whose context node:tls accepts", () => {
    const fallback = createFallbackCertificate();
    assert.equal(
      new X509Certificate(fallback.cert).subject,
      `O=ingress-kit\nCN=${FALLBACK_CERTIFICATE_NAME}`,
    );
    assert.ok(fallback.context);
  });
});

describe("certificates signed by a local CA", () => {
  it("chain to the CA: issued by it, verified by its key, and accepted by TLS name checks", () => {
    const ca = issueCertificate({
      subject: { commonName: "Test CA", organization: "Ingress Kit" },
      isCertificateAuthority: true,
      days: 2,
    });
    const leaf = issueCertificate({
      subject: { commonName: "api.example.com" },
      altNames: ["api.example.com"],
      issuer: ca,
      days: 2,
    });
    const caX509 = new X509Certificate(ca.cert);
    const leafX509 = new X509Certificate(leaf.cert);
    assert.equal(caX509.ca, true);
    assert.equal(leafX509.ca, false);
    assert.equal(leafX509.issuer, "O=Ingress Kit\nCN=Test CA");
    assert.ok(leafX509.checkIssued(caX509));
    assert.ok(leafX509.verify(caX509.publicKey));
    assert.ok(
      !leafX509.verify(
        new X509Certificate(issueCertificate({ subject: { commonName: "other" } }).cert).publicKey,
      ),
    );
    assert.equal(leafX509.checkHost("api.example.com"), "api.example.com");
  });
});
