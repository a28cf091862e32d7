package fitconnect

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
)

// Authentication is how the applicant logged in: which account, the
// eIDAS level reached and the method. It travels with the application so
// the authority can see that the applicant was identified at the level
// the service requires.
type Authentication struct {
	// Account is bundid or muk.
	Account string `json:"account"`
	// TrustLevel is the eIDAS level reached: basis, substanziell or hoch.
	TrustLevel string `json:"trustLevel"`
	// StorkLevel is the same as the IdP sent it (STORK-QAA-Level-1, 3 or 4).
	StorkLevel string `json:"storkLevel"`
	// Method is how the applicant authenticated as the IdP named it
	// (for BundID e.g. eID, ELSTER or Benutzername); empty if it named none.
	Method string `json:"method,omitempty"`
}

// AuthenticationSchemaURI names the schema of the Authentication data set
// (2.x) and identification report (1.0.0). UNCERTAIN: FITKO mentions
// standard schemas for identification data in dataSets[] but publishes
// none that the sources name; this is the service's own, to be agreed
// with the authority.
const AuthenticationSchemaURI = "urn:ozg-new:schema:authentication:1.0.0"

// AuthenticationReportVersion is the version of the identification
// report in 1.0.0's authenticationInformation.
const AuthenticationReportVersion = "1.0.0"

// authenticationDataSet is the 2.x dataSets[] entry of a: its own schema
// URI and the SHA-512 of its content. Its id derives from the sender's
// reference, so sealing the same application again yields the same entry.
func authenticationDataSet(a Authentication, senderReference string) (DataSet, error) {
	content, err := json.Marshal(a)
	if err != nil {
		return DataSet{}, fmt.Errorf("fitconnect: authentication: %w", err)
	}
	ds := NewDataSet(AuthenticationSchemaURI, "application/json", "Anmeldung mit Nutzerkonto / login with a user account", content)
	ds.DataSetID = uuid.NewSHA1(uuid.NameSpaceURL, []byte(AuthenticationSchemaURI+"#"+senderReference)).String()
	return ds, nil
}

// AuthenticationInfo is one entry of 1.0.0's authenticationInformation:
// an identification report, its content base64url-encoded.
type AuthenticationInfo struct {
	Type    string `json:"type"` // identificationReport
	Version string `json:"version"`
	Content string `json:"content"`
}

// authenticationInfo is a as 1.0.0's identification report.
func authenticationInfo(a Authentication) (AuthenticationInfo, error) {
	content, err := json.Marshal(a)
	if err != nil {
		return AuthenticationInfo{}, fmt.Errorf("fitconnect: authentication: %w", err)
	}
	return AuthenticationInfo{Type: "identificationReport", Version: AuthenticationReportVersion,
		Content: base64.RawURLEncoding.EncodeToString(content)}, nil
}
