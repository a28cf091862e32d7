// Package charttest renders the Helm chart of every example's generated
// service with helm's Go packages. It is a module of its own so that helm
// and the Kubernetes modules stay out of ozg-new's go.mod, from which the
// generated services' go.mod follows (templates/gomod_test.go): their
// versions would otherwise raise the versions that generated services
// require.
package charttest

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	helmarchive "helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// TestHelmChart renders the Helm chart of every example with helm's own
// engine, for the default values and for a production setting, and
// decodes every manifest strictly into the Kubernetes API types, so a
// misspelt field fails here instead of being dropped by the cluster. It
// checks what the chart promises: the restricted security context, the
// probes, the configuration split into ConfigMap and Secret by the
// service's own variable list, the SQLite volume only without
// PostgreSQL, several replicas only with it.
func TestHelmChart(t *testing.T) {
	env, err := generate.LoadEnv()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range examples.Names() {
		t.Run(name, func(t *testing.T) {
			data, err := examples.Read(name)
			if err != nil {
				t.Fatal(err)
			}
			a, err := answers.Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if a, err = env.Complete(a); err != nil {
				t.Fatal(err)
			}
			_, tr, err := env.Generate(a)
			if err != nil {
				t.Fatal(err)
			}
			ch, defaults := loadChart(t, tr)
			full := "test-" + ch.Name() // the objects' name for the release "test"

			t.Run("defaults", func(t *testing.T) {
				m := renderChart(t, ch, nil)
				d := m.deployment(t)
				checkPod(t, d)
				if *d.Spec.Replicas != 1 {
					t.Errorf("replicas %d, want 1", *d.Spec.Replicas)
				}
				if v := volume(d, "data"); v == nil || v.EmptyDir == nil {
					t.Errorf("SQLite without persistence: want the data volume as an emptyDir, got %+v", v)
				}
				if got := slices.Sorted(maps.Keys(m.configMap(t, full).Data)); !slices.Equal(got, []string{"DATABASE_PATH", "LISTEN_ADDR"}) {
					t.Errorf("default ConfigMap keys %q, want only what the chart sets", got)
				}
				if s := m.secret(t, full); len(s.Data) != 0 {
					t.Errorf("default Secret %+v, want one without data", s)
				}
				if m.count("Ingress") != 0 || m.count("PersistentVolumeClaim") != 0 {
					t.Error("defaults render an Ingress or a PersistentVolumeClaim")
				}
			})

			t.Run("production", func(t *testing.T) {
				config, secrets := map[string]any{}, map[string]any{}
				for k := range defaults["config"].(map[string]any) {
					config[k] = "value-" + k
				}
				config["FITCONNECT_DESTINATION_BUND"] = "0b8bb2f2-5d5b-4e4c-a7a4-4a8d2a8e1f00"
				for k := range defaults["secrets"].(map[string]any) {
					secrets[k] = "secret-" + k
				}
				// Two variables that name files get the files' content.
				const pem = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
				delete(config, "FITCONNECT_TRUST_ANCHOR")
				delete(secrets, "LOGIN_SP_KEY")
				m := renderChart(t, ch, map[string]any{
					"replicaCount": 3,
					"config":       config,
					"secrets":      secrets,
					"configFiles":  map[string]any{"FITCONNECT_TRUST_ANCHOR": pem},
					"secretFiles":  map[string]any{"LOGIN_SP_KEY": "secret-key-pem"},
					"ingress":      map[string]any{"enabled": true, "className": "nginx", "host": name + ".example.org", "tlsSecretName": name + "-tls"},
				})
				d := m.deployment(t)
				checkPod(t, d)
				if *d.Spec.Replicas != 3 {
					t.Errorf("replicas %d, want 3", *d.Spec.Replicas)
				}
				if v := volume(d, "data"); v != nil {
					t.Errorf("with PostgreSQL the pod has a data volume: %+v", v)
				}
				if m.count("PersistentVolumeClaim") != 0 {
					t.Error("with PostgreSQL the chart claims a volume")
				}
				// Every variable of the service is set, each in its place:
				// the keys of values.yaml (which the generated service's
				// TestChartValues keeps equal to its config.Vars) and what
				// the chart sets itself.
				wantConfig := slices.Sorted(maps.Keys(config))
				wantConfig = append(wantConfig, "FITCONNECT_TRUST_ANCHOR", "LOGIN_SP_KEY", "LISTEN_ADDR")
				slices.Sort(wantConfig)
				cm := m.configMap(t, full)
				if got := slices.Sorted(maps.Keys(cm.Data)); !slices.Equal(got, wantConfig) {
					t.Errorf("ConfigMap keys\n%q\nwant\n%q", got, wantConfig)
				}
				for k, v := range cm.Data {
					if strings.HasPrefix(v, "secret-") {
						t.Errorf("the ConfigMap holds the secret %s", k)
					}
				}
				if got, want := slices.Sorted(maps.Keys(m.secret(t, full).Data)), slices.Sorted(maps.Keys(secrets)); !slices.Equal(got, want) {
					t.Errorf("Secret keys %q, want %q", got, want)
				}
				if got := string(m.secret(t, full).Data["DATABASE_URL"]); got != "secret-DATABASE_URL" {
					t.Errorf("Secret DATABASE_URL %q", got)
				}
				// The file variables name files in mounted volumes that
				// hold the content.
				mounted := map[string]string{}
				for _, vm := range d.Spec.Template.Spec.Containers[0].VolumeMounts {
					mounted[vm.Name] = vm.MountPath
				}
				for _, f := range []struct{ key, volume, content string }{
					{"FITCONNECT_TRUST_ANCHOR", "files", m.configMap(t, full+"-files").Data["FITCONNECT_TRUST_ANCHOR"]},
					{"LOGIN_SP_KEY", "secret-files", string(m.secret(t, full+"-files").Data["LOGIN_SP_KEY"])},
				} {
					if want := mounted[f.volume] + "/" + f.key; mounted[f.volume] == "" || cm.Data[f.key] != want {
						t.Errorf("%s=%q, want %q in the volume %s", f.key, cm.Data[f.key], want, f.volume)
					}
					if f.content == "" || strings.HasPrefix(f.content, "secret-") != (f.volume == "secret-files") {
						t.Errorf("%s: content %q in the wrong place or missing", f.key, f.content)
					}
				}
				if v := volume(d, "secret-files"); v == nil || v.Secret == nil || v.Secret.SecretName != full+"-files" {
					t.Errorf("secret files volume %+v, want the Secret %s-files", v, full)
				}
				ing := m.ingress()
				if ing == nil || len(ing.Spec.TLS) != 1 || ing.Spec.Rules[0].Host != name+".example.org" {
					t.Errorf("Ingress %+v, want one with TLS for the host", ing)
				}
			})

			t.Run("sqlite volume", func(t *testing.T) {
				m := renderChart(t, ch, map[string]any{"persistence": map[string]any{"enabled": true}})
				d := m.deployment(t)
				if v := volume(d, "data"); v == nil || v.PersistentVolumeClaim == nil {
					t.Errorf("want the data volume from the claim, got %+v", v)
				}
				if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
					t.Errorf("strategy %q, want Recreate (one pod holds the volume)", d.Spec.Strategy.Type)
				}
				if m.count("PersistentVolumeClaim") != 1 {
					t.Error("no PersistentVolumeClaim")
				}
			})

			for _, tc := range []struct {
				name   string
				values map[string]any
				want   string
			}{
				{"replicas on SQLite", map[string]any{"replicaCount": 2}, "needs PostgreSQL"},
				{"misspelt variable", map[string]any{"config": map[string]any{"FITCONECT_ENV": "prod"}}, "at '/config': additional properties 'FITCONECT_ENV' not allowed"},
				{"secret as config", map[string]any{"config": map[string]any{"DATABASE_URL": "postgres://x"}}, "at '/config': additional properties 'DATABASE_URL' not allowed"},
				{"unknown secret", map[string]any{"secrets": map[string]any{"PASSWORD": "x"}}, "at '/secrets': additional properties 'PASSWORD' not allowed"},
				{"bad destination", map[string]any{"config": map[string]any{"FITCONNECT_DESTINATION_12": "x"}}, "additional properties 'FITCONNECT_DESTINATION_12' not allowed"},
				{"misspelt top-level key", map[string]any{"replicas": 2}, "additional properties 'replicas' not allowed"},
				{"ingress without host", map[string]any{"ingress": map[string]any{"enabled": true}}, "needs ingress.host"},
				{"value and file", map[string]any{"config": map[string]any{"LOGIN_SP_CERT": "/x.pem"}, "configFiles": map[string]any{"LOGIN_SP_CERT": "pem"}}, "LOGIN_SP_CERT is set both under config and configFiles"},
				{"secret and secret file", map[string]any{"secrets": map[string]any{"LOGIN_SP_KEY": "/x.pem"}, "secretFiles": map[string]any{"LOGIN_SP_KEY": "pem"}}, "LOGIN_SP_KEY is set both under secrets and secretFiles"},
				{"unknown file", map[string]any{"configFiles": map[string]any{"CERT": "pem"}}, "additional properties 'CERT' not allowed"},
				{"secret as config file", map[string]any{"configFiles": map[string]any{"LOGIN_SP_KEY": "pem"}}, "additional properties 'LOGIN_SP_KEY' not allowed"},
			} {
				t.Run("refuses "+tc.name, func(t *testing.T) {
					_, err := renderValues(ch, tc.values)
					if err == nil || !strings.Contains(err.Error(), tc.want) {
						t.Errorf("got error %v, want one saying %q", err, tc.want)
					}
				})
			}
		})
	}
}

// loadChart loads the chart under deploy/helm/ of a generated tree, and
// its values.yaml.
func loadChart(t *testing.T, tr *tree.Tree) (*chart.Chart, map[string]any) {
	t.Helper()
	var files []*helmarchive.BufferedFile
	var dir string
	for _, p := range tr.Paths() {
		if !strings.HasPrefix(p, "deploy/helm/") {
			continue
		}
		parts := strings.SplitN(p, "/", 4)
		if dir != "" && parts[2] != dir {
			t.Fatalf("two charts: %s and %s", dir, parts[2])
		}
		dir = parts[2]
		f, _ := tr.Get(p)
		files = append(files, &helmarchive.BufferedFile{Name: parts[3], Data: f.Data})
	}
	ch, err := loader.LoadFiles(files)
	if err != nil {
		t.Fatalf("load the chart deploy/helm/%s: %v", dir, err)
	}
	if err := ch.Validate(); err != nil {
		t.Fatalf("chart: %v", err)
	}
	if ch.Name() != dir {
		t.Errorf("chart name %q, directory %q", ch.Name(), dir)
	}
	return ch, ch.Values
}

func renderValues(ch *chart.Chart, values map[string]any) (map[string]string, error) {
	vals, err := util.ToRenderValues(ch, values, common.ReleaseOptions{Name: "test", Namespace: "ozg", IsInstall: true}, nil)
	if err != nil {
		return nil, err
	}
	return engine.Engine{Strict: true}.RenderWithContext(context.Background(), ch, vals)
}

// manifests are the rendered objects, decoded.
type manifests []any

// docSep splits a rendered file into YAML documents, as helm does.
var docSep = regexp.MustCompile(`(?m)^---\s*$`)

// renderChart renders the chart and decodes every manifest strictly into
// its Kubernetes API type: unknown or misspelt fields and kinds fail.
func renderChart(t *testing.T, ch *chart.Chart, values map[string]any) manifests {
	t.Helper()
	out, err := renderValues(ch, values)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	var m manifests
	for _, name := range slices.Sorted(maps.Keys(out)) {
		if strings.HasSuffix(name, "NOTES.txt") {
			continue
		}
		for _, doc := range docSep.Split(out[name], -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			var head struct{ APIVersion, Kind string }
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, doc)
			}
			var obj any
			switch head.APIVersion + " " + head.Kind {
			case "apps/v1 Deployment":
				obj = &appsv1.Deployment{}
			case "v1 ConfigMap":
				obj = &corev1.ConfigMap{}
			case "v1 Secret":
				obj = &corev1.Secret{}
			case "v1 Service":
				obj = &corev1.Service{}
			case "v1 PersistentVolumeClaim":
				obj = &corev1.PersistentVolumeClaim{}
			case "policy/v1 PodDisruptionBudget":
				obj = &policyv1.PodDisruptionBudget{}
			case "networking.k8s.io/v1 Ingress":
				obj = &networkingv1.Ingress{}
			default:
				t.Fatalf("%s: a kind this test does not know: %q %q", name, head.APIVersion, head.Kind)
			}
			if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
				t.Fatalf("%s: not a valid %s: %v\n%s", name, head.Kind, err, doc)
			}
			objName := objectName(obj)
			if errs := validation.IsDNS1123Subdomain(objName); len(errs) > 0 {
				t.Errorf("%s %q: %v", head.Kind, objName, errs)
			}
			m = append(m, obj)
		}
	}
	for _, kind := range []string{"Deployment", "ConfigMap", "Service", "PodDisruptionBudget"} {
		if m.count(kind) == 0 {
			t.Errorf("no %s rendered", kind)
		}
	}
	return m
}

func objectName(obj any) string {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return o.Name
	case *corev1.ConfigMap:
		return o.Name
	case *corev1.Secret:
		return o.Name
	case *corev1.Service:
		return o.Name
	case *corev1.PersistentVolumeClaim:
		return o.Name
	case *policyv1.PodDisruptionBudget:
		return o.Name
	case *networkingv1.Ingress:
		return o.Name
	}
	return ""
}

func (m manifests) count(kind string) int {
	n := 0
	for _, o := range m {
		if strings.HasSuffix(fmt.Sprintf("%T", o), "."+kind) {
			n++
		}
	}
	return n
}

func (m manifests) deployment(t *testing.T) *appsv1.Deployment {
	t.Helper()
	for _, o := range m {
		if d, ok := o.(*appsv1.Deployment); ok {
			return d
		}
	}
	t.Fatal("no Deployment")
	return nil
}

func (m manifests) configMap(t *testing.T, name string) *corev1.ConfigMap {
	t.Helper()
	for _, o := range m {
		if c, ok := o.(*corev1.ConfigMap); ok && c.Name == name {
			return c
		}
	}
	t.Fatalf("no ConfigMap %s", name)
	return nil
}

func (m manifests) secret(t *testing.T, name string) *corev1.Secret {
	t.Helper()
	for _, o := range m {
		if s, ok := o.(*corev1.Secret); ok && s.Name == name {
			return s
		}
	}
	t.Fatalf("no Secret %s", name)
	return nil
}

func (m manifests) ingress() *networkingv1.Ingress {
	for _, o := range m {
		if i, ok := o.(*networkingv1.Ingress); ok {
			return i
		}
	}
	return nil
}

func volume(d *appsv1.Deployment, name string) *corev1.Volume {
	for i, v := range d.Spec.Template.Spec.Volumes {
		if v.Name == name {
			return &d.Spec.Template.Spec.Volumes[i]
		}
	}
	return nil
}

// checkPod checks the pod's restricted security context (Kubernetes'
// "restricted" Pod Security Standard), probes, resources and that it
// takes its environment from the ConfigMap and Secret.
func checkPod(t *testing.T, d *appsv1.Deployment) {
	t.Helper()
	pod := d.Spec.Template.Spec
	if psc := pod.SecurityContext; psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot ||
		psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod security context %+v: want runAsNonRoot and the RuntimeDefault seccomp profile", psc)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("the pod mounts a service account token it does not need")
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	sc := c.SecurityContext
	switch {
	case sc == nil:
		t.Fatal("container without security context")
	case sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot:
		t.Error("container: runAsNonRoot not set")
	case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
		t.Error("container: root filesystem not read-only")
	case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
		t.Error("container: privilege escalation allowed")
	case sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) != 0:
		t.Errorf("container capabilities %+v, want all dropped", sc.Capabilities)
	case sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault:
		t.Error("container: no RuntimeDefault seccomp profile")
	case sc.Privileged != nil && *sc.Privileged:
		t.Error("container: privileged")
	}
	for probe, want := range map[string]*corev1.Probe{"/healthz": c.LivenessProbe, "/readyz": c.ReadinessProbe} {
		if want == nil || want.HTTPGet == nil || want.HTTPGet.Path != probe || want.HTTPGet.Port.String() != "http" {
			t.Errorf("probe on %s: %+v", probe, want)
		}
	}
	if len(c.Ports) != 1 || c.Ports[0].Name != "http" || c.Ports[0].ContainerPort != 8080 {
		t.Errorf("ports %+v, want http on 8080 (LISTEN_ADDR)", c.Ports)
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources %+v, want CPU and memory requests and a memory limit", c.Resources)
	}
	var fromConfig, fromSecret bool
	for _, e := range c.EnvFrom {
		fromConfig = fromConfig || e.ConfigMapRef != nil
		fromSecret = fromSecret || e.SecretRef != nil
	}
	if !fromConfig || !fromSecret || len(c.Env) != 0 {
		t.Errorf("environment %+v from %+v, want all of it from the ConfigMap and the Secret", c.Env, c.EnvFrom)
	}
	// The root filesystem is read-only: whatever the service writes needs
	// a volume (SQLite's temporary files go to /tmp).
	mounts := map[string]bool{}
	for _, vm := range c.VolumeMounts {
		mounts[vm.MountPath] = true
	}
	if !mounts["/tmp"] {
		t.Error("no writable /tmp")
	}
	if volume(d, "data") != nil && !mounts["/data"] {
		t.Error("the data volume is not mounted at /data (DATABASE_PATH)")
	}
}
