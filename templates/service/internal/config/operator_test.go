package config

import (
	"strings"
	"testing"
)

func TestOperatorToken(t *testing.T) {
	c, err := Load(env(nil), start)
	if err != nil || c.OperatorToken != "" {
		t.Fatalf("unset: %q, %v", c.OperatorToken, err)
	}
	long := strings.Repeat("x", 32)
	if c, err := Load(env(map[string]string{"OPERATOR_TOKEN": long}), start); err != nil || c.OperatorToken != long {
		t.Errorf("32 characters: %q, %v", c.OperatorToken, err)
	}
	_, err = Load(env(map[string]string{"OPERATOR_TOKEN": "short"}), start)
	if err == nil || !strings.Contains(err.Error(), "OPERATOR_TOKEN") || strings.Contains(err.Error(), "short") {
		t.Errorf("short token: %v (must name the variable, never the value)", err)
	}
}
