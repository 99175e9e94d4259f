package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestCertificateNamesIssuers: the certificate names who issues it, the association and
// the city office, with its verification code and address, and its stylesheet prints it
// on A4.
func TestCertificateNamesIssuers(t *testing.T) {
	e := mustEnv(t)
	v := e.login("volunteer")
	res := v.get("/volunteer/certificate")
	wantStatus(t, "certificate", res, http.StatusOK)
	doc := res.Doc(t)
	if got := strings.TrimSpace(doc.Find("#cert-issuers #cert-association").Text()); got != "云溪区禁毒志愿者协会" {
		t.Errorf("issuing association = %q", got)
	}
	if got := strings.TrimSpace(doc.Find("#cert-issuers #cert-office").Text()); got != "市禁毒委员会办公室" {
		t.Errorf("issuing office = %q", got)
	}
	code := strings.TrimSpace(doc.Find("#cert-code").Text())
	if code == "" || !strings.Contains(doc.Find(".cert-verify .verify-url").Text(), code) {
		t.Errorf("code %q, verification address %q", code, doc.Find(".cert-verify .verify-url").Text())
	}
	css, ok := doc.Find(`link[rel="stylesheet"]`).Attr("href")
	if !ok {
		t.Fatal("no stylesheet")
	}
	sheet := v.get(css)
	wantStatus(t, "stylesheet", sheet, http.StatusOK)
	if !strings.Contains(sheet.Body, "size: A4") {
		t.Error("the stylesheet sets no A4 page for printing")
	}
}
