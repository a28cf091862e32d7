package saml_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
)

// Debian's copies of the OASIS SAML 2.0 and W3C XML Signature/Encryption
// schemas (packages opensaml-schemas, xmltooling-schemas).
const (
	opensamlDir   = "/usr/share/xml/opensaml"
	xmltoolingDir = "/usr/share/xml/xmltooling"
)

var schemaNamespace = map[string]string{
	"saml-schema-protocol-2.0.xsd":  saml.NamespaceProtocol,
	"saml-schema-assertion-2.0.xsd": saml.NamespaceAssertion,
	"saml-schema-metadata-2.0.xsd":  saml.NamespaceMetadata,
}

// schemaValidator returns a function validating a document against one
// of the SAML schemas with xmllint, offline (a catalog maps the schemas'
// http locations to the local files).
func schemaValidator(t *testing.T) func(name string, doc []byte, schema string) {
	t.Helper()
	xmllint := tool(t, "xmllint")
	for _, f := range []string{opensamlDir + "/saml-schema-protocol-2.0.xsd", xmltoolingDir + "/xmldsig-core-schema.xsd"} {
		if _, err := os.Stat(f); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s missing (CI installs opensaml-schemas and xmltooling-schemas)", f)
			}
			t.Skipf("%s missing; install opensaml-schemas and xmltooling-schemas", f)
		}
	}
	dir := t.TempDir()
	catalog := filepath.Join(dir, "catalog.xml")
	entries := map[string]string{
		"http://www.w3.org/TR/2002/REC-xmldsig-core-20020212/xmldsig-core-schema.xsd": xmltoolingDir + "/xmldsig-core-schema.xsd",
		"http://www.w3.org/TR/2002/REC-xmlenc-core-20021210/xenc-schema.xsd":          xmltoolingDir + "/xenc-schema.xsd",
		"http://www.w3.org/2001/xml.xsd":                                              xmltoolingDir + "/xml.xsd",
	}
	var b strings.Builder
	b.WriteString(`<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">` + "\n")
	for from, to := range entries {
		fmt.Fprintf(&b, "<system systemId=%q uri=%q/>\n", from, "file://"+to)
	}
	b.WriteString("</catalog>\n")
	if err := os.WriteFile(catalog, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return func(name string, doc []byte, schema string) {
		t.Helper()
		p := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(p, doc, 0o600); err != nil {
			t.Fatal(err)
		}
		// The SAML schemas predate XML Encryption 1.1: a driver schema
		// adds xenc11 (for xenc11:MGF, which a strict wildcard of the
		// xenc schema must find declared).
		driver := filepath.Join(dir, "driver-"+schema)
		xsd := `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
<xs:import namespace="http://www.w3.org/2009/xmlenc11#" schemaLocation="` + xmltoolingDir + `/xenc11-schema.xsd"/>
<xs:import namespace="` + schemaNamespace[schema] + `" schemaLocation="` + filepath.Join(opensamlDir, schema) + `"/>
</xs:schema>`
		if err := os.WriteFile(driver, []byte(xsd), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", driver, p)
		cmd.Env = append(os.Environ(), "XML_CATALOG_FILES="+catalog)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s does not validate against %s: %v\n%s", name, schema, err, out)
		}
	}
}

// TestMessagesValidateAgainstSAMLSchemas checks every message the SP and
// the simulator write against the OASIS schemas: the order of elements
// (Signature after Issuer, Conditions before the statements) and their
// content, which the BA simulator's template got wrong.
func TestMessagesValidateAgainstSAMLSchemas(t *testing.T) {
	validate := schemaValidator(t)
	e := newEnv(t, nil)
	ctx := context.Background()
	decode := func(b64 string) []byte {
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	m, err := e.sp.NewAuthnRequest(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	validate("authnrequest", decode(m.Value), "saml-schema-protocol-2.0.xsd")
	md, err := e.sp.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	validate("sp-metadata", md, "saml-schema-metadata-2.0.xsd")
	idpMD, err := e.sim.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	validate("idp-metadata", idpMD, "saml-schema-metadata-2.0.xsd")

	req := bundid.Request{ID: m.ID}
	resp, err := e.sim.Answer(req, user(t, "U07"), saml.LevelHoch)
	if err != nil {
		t.Fatal(err)
	}
	validate("response", decode(resp), "saml-schema-protocol-2.0.xsd")
	a := e.sim.Assertion(req, user(t, "U07"), saml.LevelHoch, spEntity, e.now)
	if err := e.sim.Sign(a); err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	doc.SetRoot(a)
	ab, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	validate("assertion", ab, "saml-schema-assertion-2.0.xsd")
	cancelled, err := e.sim.Cancelled(req)
	if err != nil {
		t.Fatal(err)
	}
	validate("cancelled", decode(cancelled), "saml-schema-protocol-2.0.xsd")

	id, err := e.sp.Consume(ctx, resp)
	if err != nil {
		t.Fatal(err)
	}
	lr, err := e.sp.NewLogoutRequest(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	validate("logoutrequest", decode(lr.Value), "saml-schema-protocol-2.0.xsd")
}
