package io.serai.support;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** Certificates made at test time: a CA, and server certificates it signs (valid, expired, any names). */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair caKey;
    private final X509Certificate ca;

    private TestCertificates(KeyPair caKey, X509Certificate ca) {
        this.caKey = caKey;
        this.ca = ca;
    }

    /** A new CA. */
    public static TestCertificates authority(String name) throws Exception {
        KeyPair key = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                subject, serial(), date(Duration.ofDays(-1)), date(Duration.ofDays(30)), subject, key.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new TestCertificates(key, sign(b, key));
    }

    /** A certificate for {@code names} (DNS names, IPv4 addresses, or URIs such as spiffe://a/b) valid from {@code from} to {@code to} from now. */
    public Issued issue(String cn, Duration from, Duration to, String... names) throws Exception {
        KeyPair key = keyPair();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                ca, serial(), date(from), date(to), new X500Name("CN=" + cn), key.getPublic());
        GeneralName[] sans = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            sans[i] = new GeneralName(
                    names[i].matches("[0-9.]+")
                            ? GeneralName.iPAddress
                            : names[i].contains(":") ? GeneralName.uniformResourceIdentifier : GeneralName.dNSName,
                    names[i]);
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        return new Issued(sign(b, caKey), key);
    }

    public Issued issue(String... names) throws Exception {
        return issue(names[0], Duration.ofDays(-1), Duration.ofDays(30), names);
    }

    /** A certificate for {@code names} signed by its own key, as a CA of its own would be. */
    public static Issued selfSigned(String... names) throws Exception {
        KeyPair key = keyPair();
        X500Name subject = new X500Name("CN=" + names[0]);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                subject, serial(), date(Duration.ofDays(-1)), date(Duration.ofDays(30)), subject, key.getPublic());
        GeneralName[] sans = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            sans[i] = new GeneralName(GeneralName.dNSName, names[i]);
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        return new Issued(sign(b, key), key);
    }

    public X509Certificate ca() {
        return ca;
    }

    /** Writes the CA certificate as PEM. */
    public Path writeCa(Path file) throws IOException {
        return Files.writeString(file, pem(ca));
    }

    /** An issued certificate and its key. */
    public record Issued(X509Certificate certificate, KeyPair key) {
        /** Writes {@code name}.crt (PEM) and {@code name}.key (PKCS#8 PEM) into {@code dir}; returns the two paths. */
        public Path[] write(Path dir, String name) throws IOException {
            Path cert = dir.resolve(name + ".crt");
            Path keyFile = dir.resolve(name + ".key");
            Files.writeString(cert, pem(certificate));
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                w.writeObject(new PemObject("PRIVATE KEY", key.getPrivate().getEncoded()));
            }
            Files.writeString(keyFile, out.toString());
            return new Path[] {cert, keyFile};
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Date date(Duration fromNow) {
        return Date.from(Instant.now().plus(fromNow));
    }
}
