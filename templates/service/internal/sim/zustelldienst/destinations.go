package zustelldienst

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

var (
	leikaRe = regexp.MustCompile(`^99\d{12}$`)
	uuidRe  = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)
)

// destination is a simulated Zustellpunkt of one tenant.
type destination struct {
	ID     string
	Tenant Tenant
	Status string
	EncKid string
	SigKid string
	encJWK jose.JWK
	sigJWK jose.JWK
	// signature is the portal's destinationSignature, made once: the real
	// one is created when the destination is registered and stored with
	// the route (in XZuFi), not signed per request.
	signature string
}

// metadataVersions are the metadata versions the destination lists.
func (d *destination) metadataVersions(cfg Config) []string {
	if len(d.Tenant.MetadataVersions) > 0 {
		return d.Tenant.MetadataVersions
	}
	return cfg.MetadataVersions
}

// Destination describes a simulated destination and the keys its
// authority needs: the subscriber decrypts with EncryptionKey and signs
// accept and reject events with SignatureKey under SignatureKid.
type Destination struct {
	ID            string
	TenantARS     string
	TenantName    string
	EncryptionKid string
	SignatureKid  string
	EncryptionKey *rsa.PrivateKey
	SignatureKey  *rsa.PrivateKey
	// MetadataVersions are what the destination lists.
	MetadataVersions []string
}

// deriveID makes a stable, UUID-shaped id (version 8: custom) from
// parts, so a restarted sandbox keeps its destination ids and key ids.
func deriveID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b)
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

func (s *Simulator) newDestination(t Tenant) (*destination, error) {
	d := &destination{
		ID:     deriveID("destination", s.cfg.Leika, t.ARS),
		Tenant: t,
		Status: "active",
	}
	// Key ids change with the key material: a client that cached a key
	// by its id never uses a stale one.
	d.EncKid = deriveID("encryption", d.ID, s.keys.Encryption.N.String())
	d.SigKid = deriveID("signature", d.ID, s.keys.Signature.N.String())
	x5c, err := s.pki.chain(&s.keys.Encryption.PublicKey, "Verschlüsselung "+t.Name, x509.KeyUsageKeyEncipherment)
	if err != nil {
		return nil, err
	}
	d.encJWK = jose.PublicJWK(&s.keys.Encryption.PublicKey, d.EncKid, "", []string{"wrapKey"}, jose.AlgRSAOAEP256, x5c)
	if d.sigJWK, err = s.pki.signingJWK(s.keys.Signature, d.SigKid, "Signatur "+t.Name); err != nil {
		return nil, err
	}
	return d, nil
}

// allDestinations returns the tenants' destinations in the order of the
// configured tenants, then the places' in ARS order.
func (s *Simulator) allDestinations() []*destination {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.destinations)
	for _, ars := range slices.Sorted(maps.Keys(s.placeDests)) {
		out = append(out, s.placeDests[ars])
	}
	return out
}

// placeDestination returns the destination of the place's own authority,
// making it on first use. The place must be inside a tenant.
func (s *Simulator) placeDestination(p Place) (*destination, error) {
	s.mu.Lock()
	d := s.placeDests[p.ARS]
	s.mu.Unlock()
	if d != nil {
		return d, nil
	}
	d, err := s.newDestination(Tenant{ARS: p.ARS, Name: p.Name})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.placeDests[p.ARS]; old != nil { // made meanwhile by another request
		return old, nil
	}
	s.placeDests[p.ARS] = d
	s.byDest[d.ID] = d
	return d, nil
}

// Destinations lists the simulated destinations: one per tenant, in the
// order of the configured tenants, then those of the places asked for so
// far.
func (s *Simulator) Destinations() []Destination {
	var out []Destination
	for _, d := range s.allDestinations() {
		out = append(out, Destination{
			ID: d.ID, TenantARS: d.Tenant.ARS, TenantName: d.Tenant.Name,
			EncryptionKid: d.EncKid, SignatureKid: d.SigKid,
			EncryptionKey: s.keys.Encryption, SignatureKey: s.keys.Signature,
			MetadataVersions: d.metadataVersions(s.cfg),
		})
	}
	return out
}

// SetDestinationStatus changes a destination's status (active, inactive,
// …), for tests that a sender refuses an inactive destination.
func (s *Simulator) SetDestinationStatus(id, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.byDest[id]
	if !ok {
		return fmt.Errorf("zustelldienst: no destination %s", id)
	}
	d.Status = status
	return nil
}

// serviceField names the service object in submissions: serviceType in
// v1, publicService in v2.
func (s *Simulator) serviceField() string {
	if s.cfg.APIVersion == "v1" {
		return "serviceType"
	}
	return "publicService"
}

// destinationJSON is the public view of a destination (PublicDestination).
func (s *Simulator) destinationJSON(d *destination) map[string]any {
	region := "DE" + d.Tenant.ARS // ServiceRegion: "DE" and the ARS
	if d.Tenant.ARS == "bund" {
		region = "DE" // the whole federation
	}
	svc := map[string]any{
		"identifier":        "urn:de:fim:leika:leistung:" + s.cfg.Leika,
		"regions":           []string{region},
		"submissionSchemas": []map[string]string{{"schemaUri": s.cfg.SchemaURI, "mimeType": "application/json"}},
	}
	if s.cfg.ServiceName != "" {
		svc["name"] = s.cfg.ServiceName
	}
	field := "publicServices"
	if s.cfg.APIVersion == "v1" {
		field = "services"
	}
	return map[string]any{
		"destinationId":    d.ID,
		"name":             "Simulierte Behörde " + d.Tenant.Name,
		"status":           d.Status,
		"encryptionKid":    d.EncKid,
		"metadataVersions": d.metadataVersions(s.cfg),
		field:              []any{svc},
	}
}

// handleDestination serves GET …/destinations/{destinationId}.
func (s *Simulator) handleDestination(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	id, ok := pathUUID(w, r, "destinationId")
	if !ok {
		return
	}
	s.mu.Lock()
	d, ok := s.byDest[id]
	var body map[string]any
	if ok {
		body = s.destinationJSON(d)
	}
	s.mu.Unlock()
	if !ok {
		writeProblem(w, r, http.StatusNotFound, "destination-not-found", "no such destination")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// handleKey serves GET …/destinations/{destinationId}/keys/{keyId}: the
// public encryption or signature key as a JWK with its x5c chain.
func (s *Simulator) handleKey(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	d, ok := s.byDest[r.PathValue("destinationId")]
	s.mu.Unlock()
	if !ok {
		writeProblem(w, r, http.StatusNotFound, "destination-not-found", "no such destination")
		return
	}
	switch r.PathValue("keyId") {
	case d.EncKid:
		writeJSON(w, http.StatusOK, d.encJWK)
	case d.SigKid:
		writeJSON(w, http.StatusOK, d.sigJWK)
	default:
		writeProblem(w, r, http.StatusNotFound, "key-not-found", "no such key")
	}
}
