// Sends a SAML message on to the identity provider (HTTP-POST binding).
// Without script the page's button does the same.
document.getElementById("saml-post").submit();
