// generated — do not edit; run pnpm generate
// Source: schemas/*.schema.json (packages/schema/scripts/generate.mjs).

import type { SchemaName } from "@openwop/types";
import type { SchemaDocument } from "../schema-document.js";

/** The JSON Schema documents in `schemas/`, by name, exactly as written there. */
export const schemaDocuments: { readonly [Name in SchemaName]: SchemaDocument } = {
  "api-key": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/api-key.schema.json",
    "title": "ApiKey",
    "description": "A key's metadata, as GET /v1/keys, GET /v1/keys/{keyId} and GET /v1/keys/self answer it (auth.md §10.2). Open like every response body, except that it can never carry the secret or its digest.",
    "type": "object",
    "required": [
      "keyId",
      "prefix",
      "tenant",
      "label",
      "scopes",
      "kind",
      "origin",
      "status",
      "createdAt",
      "expiresAt",
      "lastUsedAt",
      "rotatedAt",
      "revokedAt",
      "replacedBy",
      "replaces"
    ],
    "properties": {
      "keyId": {
        "$ref": "#/$defs/KeyId"
      },
      "prefix": {
        "description": "The visible start of the secret, e.g. hk_live_3q8V6c; safe to show and log.",
        "type": "string",
        "minLength": 1
      },
      "tenant": {
        "type": "string",
        "minLength": 1
      },
      "label": {
        "type": "string",
        "maxLength": 200
      },
      "scopes": {
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1
        },
        "uniqueItems": true
      },
      "kind": {
        "$ref": "#/$defs/ApiKeyKind"
      },
      "origin": {
        "$ref": "#/$defs/ApiKeyOrigin"
      },
      "status": {
        "$ref": "#/$defs/ApiKeyStatus"
      },
      "createdAt": {
        "type": "string",
        "format": "date-time"
      },
      "expiresAt": {
        "type": [
          "string",
          "null"
        ],
        "format": "date-time"
      },
      "lastUsedAt": {
        "description": "May lag the last use by a few seconds.",
        "type": [
          "string",
          "null"
        ],
        "format": "date-time"
      },
      "rotatedAt": {
        "type": [
          "string",
          "null"
        ],
        "format": "date-time"
      },
      "revokedAt": {
        "type": [
          "string",
          "null"
        ],
        "format": "date-time"
      },
      "replacedBy": {
        "description": "The successor of a rotation.",
        "oneOf": [
          {
            "$ref": "#/$defs/KeyId"
          },
          {
            "type": "null"
          }
        ]
      },
      "replaces": {
        "description": "The key this one replaced in a rotation.",
        "oneOf": [
          {
            "$ref": "#/$defs/KeyId"
          },
          {
            "type": "null"
          }
        ]
      },
      "key": false,
      "keyHash": false,
      "secret": false
    },
    "additionalProperties": true,
    "$defs": {
      "KeyId": {
        "title": "KeyId",
        "description": "A key's opaque, non-secret id.",
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "ApiKeyKind": {
        "title": "ApiKeyKind",
        "description": "test keys may use test seams; live keys never do (auth.md §8).",
        "enum": [
          "live",
          "test"
        ]
      },
      "ApiKeyOrigin": {
        "title": "ApiKeyOrigin",
        "description": "bootstrap: the host's bootstrap key; environment: another key the host is configured with; api: issued by POST /v1/keys or a rotation.",
        "enum": [
          "bootstrap",
          "environment",
          "api"
        ]
      },
      "ApiKeyStatus": {
        "title": "ApiKeyStatus",
        "description": "revoked once revokedAt is set; else expired once expiresAt has passed; else grace when rotated; else active.",
        "enum": [
          "active",
          "grace",
          "expired",
          "revoked"
        ]
      }
    }
  },
  "api-key-list": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/api-key-list.schema.json",
    "title": "ApiKeyList",
    "description": "The 200 of GET /v1/keys (auth.md §10.4): one page of the tenant's keys, newest first.",
    "type": "object",
    "required": [
      "keys",
      "nextCursor"
    ],
    "properties": {
      "keys": {
        "type": "array",
        "items": {
          "$ref": "https://openwop.dev/schemas/v1/api-key.schema.json"
        },
        "maxItems": 100
      },
      "nextCursor": {
        "description": "Pass as cursor for the next page; null after the last one.",
        "type": [
          "string",
          "null"
        ],
        "minLength": 1
      }
    },
    "additionalProperties": true
  },
  "auth-failure-summary": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/auth-failure-summary.schema.json",
    "title": "AuthFailureSummary",
    "description": "The 200 of GET /v1/keys/failures (auth.md §10.10): the tenant's authentication failures since an instant, grouped by reason, key prefix and route.",
    "type": "object",
    "required": [
      "since",
      "failures"
    ],
    "properties": {
      "since": {
        "type": "string",
        "format": "date-time"
      },
      "failures": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/AuthFailureGroup"
        }
      }
    },
    "additionalProperties": true,
    "$defs": {
      "AuthFailureGroup": {
        "title": "AuthFailureGroup",
        "type": "object",
        "required": [
          "reason",
          "keyPrefix",
          "route",
          "count",
          "firstSeen",
          "lastSeen"
        ],
        "properties": {
          "reason": {
            "$ref": "#/$defs/AuthFailureReason"
          },
          "keyPrefix": {
            "description": "The presented key's prefix; never the key.",
            "type": [
              "string",
              "null"
            ]
          },
          "route": {
            "description": "The routed operation, e.g. GET /v1/runs/{runId}.",
            "type": "string",
            "minLength": 1
          },
          "count": {
            "type": "integer",
            "minimum": 1
          },
          "firstSeen": {
            "type": "string",
            "format": "date-time"
          },
          "lastSeen": {
            "type": "string",
            "format": "date-time"
          }
        },
        "additionalProperties": true
      },
      "AuthFailureReason": {
        "title": "AuthFailureReason",
        "enum": [
          "missing",
          "malformed",
          "unknown",
          "expired",
          "revoked",
          "insufficient_scope",
          "cross_tenant"
        ]
      }
    }
  },
  "bulk-cancel-request": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/bulk-cancel-request.schema.json",
    "title": "BulkCancelRequest",
    "description": "Body of POST /v1/runs:bulk-cancel (spec/v1/core.md §6.10): up to 100 run ids, cancelled one by one in the order given. Closed. An id that names no run of the caller's tenant is answered in its own result, not by refusing the request.",
    "type": "object",
    "required": [
      "runIds"
    ],
    "properties": {
      "runIds": {
        "type": "array",
        "items": {
          "type": "string"
        },
        "minItems": 1,
        "maxItems": 100
      },
      "reason": {
        "type": "string",
        "maxLength": 1000
      }
    },
    "additionalProperties": false
  },
  "bulk-cancel-response": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/bulk-cancel-response.schema.json",
    "title": "BulkCancelResponse",
    "description": "The 200 of POST /v1/runs:bulk-cancel (spec/v1/core.md §6.10): one result per requested id, in request order. `ok` is true when the run is now cancelling or cancelled; otherwise `error` says why, with the code a single request would have got (`not_found`, `run_expired`, `run_terminal`, `validation_error`).",
    "type": "object",
    "required": [
      "results"
    ],
    "properties": {
      "results": {
        "type": "array",
        "maxItems": 100,
        "items": {
          "type": "object",
          "required": [
            "runId",
            "ok"
          ],
          "properties": {
            "runId": {
              "type": "string"
            },
            "ok": {
              "type": "boolean"
            },
            "status": {
              "$ref": "https://openwop.dev/schemas/v1/run-snapshot.schema.json#/$defs/RunStatus"
            },
            "error": {
              "type": "object",
              "required": [
                "error",
                "message"
              ],
              "properties": {
                "error": {
                  "type": "string",
                  "minLength": 1
                },
                "message": {
                  "type": "string",
                  "minLength": 1
                }
              },
              "additionalProperties": true
            }
          },
          "additionalProperties": true
        }
      }
    },
    "additionalProperties": true
  },
  "cancel-run-response": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/cancel-run-response.schema.json",
    "title": "CancelRunResponse",
    "description": "200 body of POST /v1/runs/{runId}/cancel (spec/v1/core.md §6.7): the run and its status after the request, `cancelling` or `cancelled` for a run that was live, its terminal status for one that had already ended. Open, like every response body a client reads.",
    "type": "object",
    "required": [
      "runId",
      "status"
    ],
    "properties": {
      "runId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "status": {
        "$ref": "https://openwop.dev/schemas/v1/run-snapshot.schema.json#/$defs/RunStatus"
      }
    },
    "additionalProperties": true
  },
  "capabilities": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/capabilities.schema.json",
    "title": "Capabilities",
    "description": "The discovery document a host serves at GET /.well-known/openwop. Every capability family sits at the document root. Unknown and vendor-prefixed root keys are allowed so that clients written today keep reading documents from hosts that implement later additions; the blocks this toolkit implements are closed so a typo in a host's advertisement is caught instead of silently ignored.",
    "type": "object",
    "required": [
      "protocolVersion",
      "supportedEnvelopes",
      "schemaVersions",
      "limits"
    ],
    "properties": {
      "protocolVersion": {
        "description": "Highest <major>.<minor> of the protocol the host implements, e.g. \"1.0\". Three-part semver and a leading \"v\" are not part of the grammar.",
        "type": "string",
        "pattern": "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$"
      },
      "supportedEnvelopes": {
        "description": "Typed AI envelope kinds the host understands, e.g. \"clarification.request\". May be empty for engine-only hosts.",
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "schemaVersions": {
        "description": "Schema version per envelope kind.",
        "type": "object",
        "additionalProperties": {
          "type": "integer",
          "minimum": 0
        }
      },
      "limits": {
        "$ref": "#/$defs/CapabilityLimits"
      },
      "implementation": {
        "$ref": "#/$defs/Implementation"
      },
      "engineVersion": {
        "description": "Version of the engine code that writes persisted runs. An integer here; run snapshots carry it as a number and run events as its decimal string.",
        "type": "integer",
        "minimum": 0
      },
      "eventLogSchemaVersion": {
        "description": "Event log schema version new runs are written with (2 for v1 hosts).",
        "type": "integer",
        "minimum": 0
      },
      "supportedTransports": {
        "description": "Transports the host serves. REST is required regardless of what is listed.",
        "type": "array",
        "items": {
          "enum": [
            "rest",
            "mcp",
            "a2a",
            "grpc"
          ]
        },
        "uniqueItems": true
      },
      "fixtures": {
        "description": "Conformance fixture workflow ids the host has seeded. Fixture-dependent scenarios are skipped for ids not listed.",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1
        },
        "uniqueItems": true
      },
      "idempotency": {
        "$ref": "#/$defs/IdempotencyCapability"
      },
      "streamModes": {
        "description": "SSE stream modes the host honours for ?streamMode=.",
        "type": "array",
        "items": {
          "title": "StreamMode",
          "enum": [
            "updates",
            "values",
            "messages",
            "debug"
          ]
        },
        "uniqueItems": true
      },
      "debugBundle": {
        "$ref": "#/$defs/DebugBundleCapability"
      },
      "runs": {
        "$ref": "#/$defs/RunsCapability"
      },
      "expressions": {
        "$ref": "#/$defs/ExpressionsCapability"
      },
      "webhooks": {
        "$ref": "#/$defs/WebhooksCapability"
      },
      "auth": {
        "$ref": "#/$defs/AuthCapability"
      },
      "observability": {
        "$ref": "#/$defs/ObservabilityCapability"
      },
      "configurable": {
        "description": "Per-run `configurable` keys the host validates, keyed by name, each with a host-defined descriptor (for example {\"type\": \"number\", \"min\": 1, \"max\": 1000}).",
        "type": "object",
        "additionalProperties": true
      },
      "production": {
        "$ref": "#/$defs/ProductionCapability"
      },
      "keys": {
        "$ref": "#/$defs/KeysCapability"
      },
      "rateLimit": {
        "$ref": "#/$defs/RateLimitCapability"
      }
    },
    "additionalProperties": true,
    "$defs": {
      "CapabilityLimits": {
        "title": "CapabilityLimits",
        "description": "Engine limits. Every limit a host advertises it must enforce, so no keys beyond the defined ones are accepted.",
        "type": "object",
        "required": [
          "clarificationRounds",
          "schemaRounds",
          "envelopesPerTurn"
        ],
        "properties": {
          "clarificationRounds": {
            "type": "integer",
            "minimum": 0
          },
          "schemaRounds": {
            "type": "integer",
            "minimum": 0
          },
          "envelopesPerTurn": {
            "type": "integer",
            "minimum": 0
          },
          "maxNodeExecutions": {
            "description": "Upper bound on node executions per run; clamps configurable.recursionLimit.",
            "type": "integer",
            "minimum": 1
          },
          "maxRunDurationMs": {
            "type": "integer",
            "minimum": 1000
          },
          "maxLoopIterations": {
            "type": "integer",
            "minimum": 1
          },
          "maxRequestBodyBytes": {
            "type": "integer",
            "minimum": 1
          },
          "maxJsonDepth": {
            "description": "Deepest nesting of arrays and objects a request body may have (the body itself is depth 1); deeper bodies are refused with 400 validation_error.",
            "type": "integer",
            "minimum": 2
          },
          "maxBudgetTokens": {
            "description": "Per-run token budget ceiling (budget policy). Accepted so documents from hosts that enforce budgets stay valid.",
            "type": "integer",
            "minimum": 0
          },
          "maxBudgetCostUsd": {
            "description": "Per-run spend ceiling in US dollars (budget policy).",
            "type": "number",
            "minimum": 0
          }
        },
        "additionalProperties": false
      },
      "Implementation": {
        "title": "Implementation",
        "description": "Who built the host. Mirrored by the debug bundle's host block.",
        "type": "object",
        "required": [
          "name",
          "version"
        ],
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1
          },
          "version": {
            "type": "string",
            "minLength": 1
          },
          "vendor": {
            "type": "string",
            "minLength": 1
          }
        },
        "additionalProperties": false
      },
      "IdempotencyCapability": {
        "title": "IdempotencyCapability",
        "type": "object",
        "required": [
          "supported"
        ],
        "properties": {
          "supported": {
            "type": "boolean"
          },
          "layer1RetentionSeconds": {
            "description": "How long Idempotency-Key records are kept.",
            "type": "integer",
            "minimum": 1
          },
          "crossRegion": {
            "description": "Only single-region operation is defined for this toolkit; the multi-region value names are still in flux upstream.",
            "enum": [
              "single-region"
            ]
          }
        },
        "additionalProperties": false
      },
      "DebugBundleCapability": {
        "title": "DebugBundleCapability",
        "type": "object",
        "required": [
          "supported"
        ],
        "properties": {
          "supported": {
            "type": "boolean"
          },
          "maxBytes": {
            "description": "Size cap after which the bundle is truncated.",
            "type": "integer",
            "minimum": 1
          }
        },
        "additionalProperties": false
      },
      "WebhooksCapability": {
        "title": "WebhooksCapability",
        "type": "object",
        "required": [
          "supported"
        ],
        "properties": {
          "supported": {
            "type": "boolean"
          },
          "signatureAlgorithms": {
            "description": "Signature algorithms offered. The baseline \"v1\" (HMAC-SHA256) must always be among them.",
            "type": "array",
            "items": {
              "type": "string",
              "minLength": 1
            },
            "uniqueItems": true,
            "contains": {
              "const": "v1"
            }
          },
          "durable": {
            "description": "True when deliveries are recorded with their events, retried and dead-lettered instead of best-effort (webhooks.md §9).",
            "type": "boolean"
          },
          "maxAttempts": {
            "description": "Attempts a delivery gets before it is dead-lettered; present when durable.",
            "type": "integer",
            "minimum": 1
          },
          "retryBaseMs": {
            "description": "The first retry's backoff ceiling; each later one doubles it (full jitter).",
            "type": "integer",
            "minimum": 1
          },
          "maxRetryDelayMs": {
            "description": "The longest wait between two attempts.",
            "type": "integer",
            "minimum": 1
          }
        },
        "additionalProperties": false
      },
      "AuthCapability": {
        "title": "AuthCapability",
        "type": "object",
        "properties": {
          "schemes": {
            "description": "HTTP authentication schemes accepted, e.g. \"bearer\".",
            "type": "array",
            "items": {
              "type": "string",
              "minLength": 1
            },
            "uniqueItems": true
          },
          "scopes": {
            "description": "Scope vocabulary the host checks, e.g. \"runs:create\".",
            "type": "array",
            "items": {
              "type": "string",
              "minLength": 1
            },
            "uniqueItems": true
          },
          "profiles": {
            "description": "Optional auth profiles implemented, e.g. \"openwop-auth-api-key-rotation\".",
            "type": "array",
            "items": {
              "type": "string",
              "minLength": 1
            },
            "uniqueItems": true
          },
          "rotation": {
            "$ref": "#/$defs/AuthKeyRotation"
          },
          "oidc": {
            "$ref": "#/$defs/AuthOidc"
          }
        },
        "additionalProperties": false
      },
      "AuthOidc": {
        "title": "AuthOidc",
        "description": "The identity provider whose JWT bearer tokens the host accepts besides its keys (auth.md §11).",
        "type": "object",
        "required": [
          "issuer",
          "audience"
        ],
        "properties": {
          "issuer": {
            "type": "string",
            "format": "uri",
            "minLength": 1
          },
          "audience": {
            "type": "string",
            "minLength": 1
          }
        },
        "additionalProperties": false
      },
      "ExpressionsCapability": {
        "title": "ExpressionsCapability",
        "description": "The expression language the host evaluates in `expression` port values and edge conditions (core.md §8.9, RFC 0016). Absent when the host evaluates no expressions, in which case it refuses workflows that use them (core.md §5.3).",
        "type": "object",
        "required": [
          "language",
          "version",
          "maxExpressionBytes"
        ],
        "properties": {
          "language": {
            "description": "Always `cel`: the Common Expression Language subset of core.md §8.9.",
            "const": "cel"
          },
          "version": {
            "description": "The version of that subset and its bounds; `1` for core.md §8.9 as written.",
            "type": "string",
            "minLength": 1,
            "maxLength": 32
          },
          "maxExpressionBytes": {
            "description": "The longest expression source the host accepts, in UTF-8 bytes (at least 4096).",
            "type": "integer",
            "minimum": 4096
          }
        },
        "additionalProperties": false
      },
      "RunsCapability": {
        "title": "RunsCapability",
        "description": "Run management beyond creating, reading and cancelling one run (core.md §6.9–§6.11). Each member true only where the host serves the operation.",
        "type": "object",
        "required": [
          "list",
          "bulkCancel"
        ],
        "properties": {
          "list": {
            "description": "GET /v1/runs lists the tenant's runs (core.md §6.9).",
            "type": "boolean"
          },
          "bulkCancel": {
            "description": "POST /v1/runs:bulk-cancel cancels up to 100 runs (core.md §6.10).",
            "type": "boolean"
          },
          "pauseResume": {
            "$ref": "#/$defs/PauseResumeCapability"
          }
        },
        "additionalProperties": false
      },
      "PauseResumeCapability": {
        "title": "PauseResumeCapability",
        "description": "POST /v1/runs/{runId}:pause and :resume (core.md §6.11). Absent or supported false: the host answers both with 404.",
        "type": "object",
        "required": [
          "supported",
          "drainPolicies"
        ],
        "properties": {
          "supported": {
            "type": "boolean"
          },
          "drainPolicies": {
            "description": "The drain policies a pause may ask for; the host refuses any other with 400.",
            "type": "array",
            "items": {
              "$ref": "https://openwop.dev/schemas/v1/pause-run-request.schema.json#/$defs/DrainPolicy"
            },
            "uniqueItems": true
          }
        },
        "additionalProperties": false
      },
      "KeysCapability": {
        "title": "KeysCapability",
        "description": "Key management over HTTP (auth.md §10): issue, list, read, rotate with an overlap, revoke, and the failure summary.",
        "type": "object",
        "required": [
          "supported",
          "defaultGraceSeconds",
          "maxGraceSeconds",
          "revocationPropagationSeconds"
        ],
        "properties": {
          "supported": {
            "type": "boolean"
          },
          "defaultGraceSeconds": {
            "description": "How long a rotated key keeps working when the rotation names no grace.",
            "type": "integer",
            "minimum": 0
          },
          "maxGraceSeconds": {
            "description": "The longest grace a rotation may ask for.",
            "type": "integer",
            "minimum": 60
          },
          "revocationPropagationSeconds": {
            "description": "Within how many seconds a revocation, expiry or end of grace holds on every process of the host.",
            "type": "integer",
            "minimum": 0,
            "maximum": 60
          }
        },
        "additionalProperties": false
      },
      "RateLimitCapability": {
        "title": "RateLimitCapability",
        "description": "A per-key request rate limit (auth.md §7): over it, 429 rate_limited.",
        "type": "object",
        "required": [
          "supported",
          "scope",
          "requestsPerSecond",
          "burst"
        ],
        "properties": {
          "supported": {
            "type": "boolean"
          },
          "scope": {
            "const": "key"
          },
          "requestsPerSecond": {
            "type": "integer",
            "minimum": 1
          },
          "burst": {
            "type": "integer",
            "minimum": 1
          }
        },
        "additionalProperties": false
      },
      "AuthKeyRotation": {
        "title": "AuthKeyRotation",
        "type": "object",
        "required": [
          "supported"
        ],
        "properties": {
          "supported": {
            "type": "boolean"
          },
          "minGraceSeconds": {
            "description": "How long a rotated-out key keeps working.",
            "type": "integer",
            "minimum": 0
          }
        },
        "additionalProperties": false
      },
      "ObservabilityCapability": {
        "title": "ObservabilityCapability",
        "type": "object",
        "properties": {
          "namespace": {
            "type": "string",
            "minLength": 1
          },
          "spanNames": {
            "$ref": "#/$defs/NameList"
          },
          "spanAttributes": {
            "$ref": "#/$defs/NameList"
          },
          "metrics": {
            "$ref": "#/$defs/NameList"
          },
          "otel": {
            "$ref": "#/$defs/OtelExport"
          }
        },
        "additionalProperties": false
      },
      "OtelExport": {
        "title": "OtelExport",
        "type": "object",
        "required": [
          "exportProtocols"
        ],
        "properties": {
          "exportProtocols": {
            "type": "array",
            "items": {
              "enum": [
                "http/json",
                "http/protobuf",
                "grpc"
              ]
            },
            "uniqueItems": true
          }
        },
        "additionalProperties": false
      },
      "NameList": {
        "title": "ObservabilityNameList",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1
        },
        "uniqueItems": true
      },
      "ProductionCapability": {
        "title": "ProductionCapability",
        "description": "The production-readiness claim (RFC 0009). Closed at every level so a claim cannot smuggle in settings the conformance suite does not check.",
        "type": "object",
        "required": [
          "supported"
        ],
        "properties": {
          "supported": {
            "type": "boolean"
          },
          "backpressure": {
            "$ref": "#/$defs/ProductionBackpressure"
          },
          "retention": {
            "$ref": "#/$defs/ProductionRetention"
          },
          "debugBundle": {
            "$ref": "#/$defs/ProductionDebugBundle"
          }
        },
        "additionalProperties": false
      },
      "ProductionBackpressure": {
        "title": "ProductionBackpressure",
        "type": "object",
        "required": [
          "supported"
        ],
        "properties": {
          "supported": {
            "type": "boolean"
          },
          "inflightCap": {
            "description": "Runs in flight above which new work is refused with 503.",
            "type": "integer",
            "minimum": 1
          },
          "retryAfterSeconds": {
            "description": "Value sent in Retry-After and details.retryAfter on a 503; longer holds omit the header instead.",
            "type": "integer",
            "minimum": 0,
            "maximum": 86400
          }
        },
        "additionalProperties": false
      },
      "ProductionRetention": {
        "title": "ProductionRetention",
        "type": "object",
        "required": [
          "supported"
        ],
        "properties": {
          "supported": {
            "type": "boolean"
          },
          "minWindowSeconds": {
            "description": "Guaranteed retention of snapshots and events; a production host keeps at least seven days.",
            "type": "integer",
            "minimum": 604800
          },
          "testForceExpire": {
            "description": "True when the host exposes a test-only way to expire a run so the 410 path can be exercised.",
            "type": "boolean"
          }
        },
        "additionalProperties": false
      },
      "ProductionDebugBundle": {
        "title": "ProductionDebugBundle",
        "type": "object",
        "required": [
          "supported"
        ],
        "properties": {
          "supported": {
            "type": "boolean"
          },
          "truncationMetadata": {
            "description": "True when oversized bundles say so with truncated/truncatedReason.",
            "type": "boolean"
          }
        },
        "additionalProperties": false
      }
    }
  },
  "conformance-result": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/conformance-result.schema.json",
    "title": "ConformanceResult",
    "description": "The machine-readable record of one run of the conformance suite against one host. The interop matrix is generated from these files, so every claim in it can be traced back to a record.",
    "type": "object",
    "required": [
      "suiteVersion",
      "command",
      "host",
      "discoveryDigest",
      "startedAt",
      "durationMs",
      "profiles",
      "scenarios",
      "summary"
    ],
    "properties": {
      "suiteVersion": {
        "type": "string",
        "minLength": 1
      },
      "command": {
        "description": "The command line that produced this result, so anyone can re-run it.",
        "type": "string",
        "minLength": 1
      },
      "host": {
        "$ref": "#/$defs/ConformanceHost"
      },
      "discoveryDigest": {
        "description": "SHA-256 of the discovery document the suite judged the host by.",
        "type": "string",
        "pattern": "^sha256:[0-9a-f]{64}$"
      },
      "startedAt": {
        "type": "string",
        "format": "date-time"
      },
      "durationMs": {
        "type": "number",
        "minimum": 0
      },
      "profiles": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/ProfileVerdict"
        }
      },
      "scenarios": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/ScenarioResult"
        }
      },
      "summary": {
        "$ref": "#/$defs/OutcomeSummary"
      }
    },
    "additionalProperties": false,
    "$defs": {
      "ConformanceHost": {
        "title": "ConformanceHost",
        "type": "object",
        "required": [
          "name",
          "baseUrl"
        ],
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1
          },
          "version": {
            "type": "string",
            "minLength": 1
          },
          "baseUrl": {
            "type": "string",
            "format": "uri"
          }
        },
        "additionalProperties": false
      },
      "ProfileVerdict": {
        "title": "ProfileVerdict",
        "description": "Whether the host earns a profile: its discovery predicate must hold and every scenario tagged with the profile must pass.",
        "type": "object",
        "required": [
          "profile",
          "predicateHolds",
          "claimed",
          "reason"
        ],
        "properties": {
          "profile": {
            "description": "Profile id, e.g. \"openwop-core\".",
            "type": "string",
            "minLength": 1
          },
          "predicateHolds": {
            "type": "boolean"
          },
          "claimed": {
            "type": "boolean"
          },
          "reason": {
            "description": "Why the profile is or is not claimed.",
            "type": "string",
            "minLength": 1
          }
        },
        "additionalProperties": false
      },
      "ScenarioResult": {
        "title": "ScenarioResult",
        "type": "object",
        "required": [
          "id",
          "title",
          "profiles",
          "spec",
          "outcome",
          "durationMs"
        ],
        "properties": {
          "id": {
            "type": "string",
            "minLength": 1
          },
          "title": {
            "type": "string",
            "minLength": 1
          },
          "profiles": {
            "type": "array",
            "items": {
              "type": "string",
              "minLength": 1
            },
            "uniqueItems": true
          },
          "spec": {
            "description": "The normative text the scenario checks, e.g. \"spec/v1/core.md §3.2\".",
            "type": "string",
            "pattern": "^spec/v[0-9]+/[A-Za-z0-9._/-]+\\.md( §[0-9]+(\\.[0-9]+)*)?$"
          },
          "alsoCites": {
            "description": "Further normative sections the scenario witnesses, e.g. the production-profile requirement a debug-bundle scenario proves.",
            "type": "array",
            "items": {
              "type": "string",
              "pattern": "^spec/v[0-9]+/[A-Za-z0-9._/-]+\\.md( §[0-9]+(\\.[0-9]+)*)?$"
            },
            "uniqueItems": true
          },
          "outcome": {
            "$ref": "#/$defs/ScenarioOutcome"
          },
          "durationMs": {
            "type": "number",
            "minimum": 0
          },
          "message": {
            "description": "What went wrong, or why the scenario did not run.",
            "type": "string"
          }
        },
        "additionalProperties": false
      },
      "ScenarioOutcome": {
        "title": "ScenarioOutcome",
        "description": "pass and fail are verdicts; skip means the capability was not advertised; inapplicable means the scenario does not apply to this host; blocked means it ran but asserted nothing, which is a defect in the scenario, not the host.",
        "enum": [
          "pass",
          "fail",
          "skip",
          "inapplicable",
          "blocked"
        ]
      },
      "OutcomeSummary": {
        "title": "OutcomeSummary",
        "description": "Count of scenarios per outcome.",
        "type": "object",
        "required": [
          "pass",
          "fail",
          "skip",
          "inapplicable",
          "blocked"
        ],
        "properties": {
          "pass": {
            "type": "integer",
            "minimum": 0
          },
          "fail": {
            "type": "integer",
            "minimum": 0
          },
          "skip": {
            "type": "integer",
            "minimum": 0
          },
          "inapplicable": {
            "type": "integer",
            "minimum": 0
          },
          "blocked": {
            "type": "integer",
            "minimum": 0
          }
        },
        "additionalProperties": false
      }
    }
  },
  "create-api-key-request": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/create-api-key-request.schema.json",
    "title": "CreateApiKeyRequest",
    "description": "Body of POST /v1/keys (auth.md §10.3). Closed.",
    "type": "object",
    "required": [
      "scopes"
    ],
    "properties": {
      "scopes": {
        "description": "Scopes the new key grants; each must be one the caller holds.",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1,
          "maxLength": 100
        },
        "minItems": 1,
        "maxItems": 32,
        "uniqueItems": true
      },
      "kind": {
        "$ref": "https://openwop.dev/schemas/v1/api-key.schema.json#/$defs/ApiKeyKind"
      },
      "label": {
        "type": "string",
        "maxLength": 200
      },
      "expiresAt": {
        "description": "A date-time in the future.",
        "type": "string",
        "format": "date-time"
      }
    },
    "additionalProperties": false
  },
  "create-run-request": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/create-run-request.schema.json",
    "title": "CreateRunRequest",
    "description": "Body of POST /v1/runs. Closed: an unknown top-level key is a 400, not something silently dropped.",
    "type": "object",
    "required": [
      "workflowId"
    ],
    "properties": {
      "workflowId": {
        "type": "string",
        "minLength": 1
      },
      "inputs": {
        "description": "Values that override the workflow variables' defaults.",
        "type": "object",
        "additionalProperties": true
      },
      "tenantId": {
        "description": "Usually derived from the API key; when given it must agree with it.",
        "type": "string",
        "minLength": 1
      },
      "scopeId": {
        "description": "Opaque caller correlation id (part of the X-Dedup key).",
        "type": "string",
        "minLength": 1
      },
      "callbackUrl": {
        "description": "Where signed-token interrupt links are sent.",
        "type": "string",
        "format": "uri"
      },
      "configurable": {
        "$ref": "#/$defs/RunConfigurable"
      },
      "tags": {
        "type": "array",
        "maxItems": 100,
        "items": {
          "type": "string",
          "maxLength": 256
        }
      },
      "metadata": {
        "description": "Caller data stored with the run and never used for execution.",
        "type": "object",
        "additionalProperties": true
      }
    },
    "additionalProperties": false,
    "$defs": {
      "RunConfigurable": {
        "title": "RunConfigurable",
        "description": "Per-run overlay handed to node code unchanged. Reserved keys are checked here; other keys (vendor-prefixed ones included) pass through.",
        "type": "object",
        "properties": {
          "recursionLimit": {
            "description": "Maximum node executions for this run, clamped by limits.maxNodeExecutions.",
            "type": "integer",
            "minimum": 1,
            "maximum": 1000
          },
          "runTimeoutMs": {
            "description": "Maximum run duration for this run, at most limits.maxRunDurationMs.",
            "type": "integer",
            "minimum": 1
          }
        },
        "additionalProperties": true
      }
    }
  },
  "create-run-response": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/create-run-response.schema.json",
    "title": "CreateRunResponse",
    "description": "201 body of POST /v1/runs (and of its idempotent replays). Open, because a client must keep working when a host adds fields.",
    "type": "object",
    "required": [
      "runId",
      "status",
      "eventsUrl"
    ],
    "properties": {
      "runId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "status": {
        "$ref": "https://openwop.dev/schemas/v1/run-snapshot.schema.json#/$defs/RunStatus"
      },
      "eventsUrl": {
        "description": "SSE stream of the run. Hosts commonly return a path relative to their base URL.",
        "type": "string",
        "format": "uri-reference",
        "minLength": 1
      },
      "statusUrl": {
        "description": "Where the run snapshot is served.",
        "type": "string",
        "format": "uri-reference",
        "minLength": 1
      }
    },
    "additionalProperties": true
  },
  "create-webhook-request": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/create-webhook-request.schema.json",
    "title": "CreateWebhookRequest",
    "description": "Body of POST /v1/webhooks (webhooks.md §2.1). Closed.",
    "type": "object",
    "required": [
      "url",
      "events"
    ],
    "properties": {
      "url": {
        "description": "An absolute URL; https unless the host allows private URLs (§4.3).",
        "type": "string",
        "minLength": 1,
        "maxLength": 2048
      },
      "events": {
        "type": "array",
        "items": {
          "type": "string",
          "pattern": "^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+$",
          "maxLength": 128
        },
        "minItems": 1,
        "maxItems": 100,
        "uniqueItems": true
      },
      "tenantId": {
        "type": "string",
        "minLength": 1
      },
      "tags": {
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1,
          "maxLength": 256
        },
        "maxItems": 100,
        "uniqueItems": true
      },
      "secret": {
        "description": "A caller-chosen signing secret; generated when absent.",
        "type": "string",
        "minLength": 32,
        "maxLength": 512
      },
      "signature": {
        "$ref": "https://openwop.dev/schemas/v1/webhook-subscription.schema.json#/$defs/WebhookSignature"
      }
    },
    "additionalProperties": false
  },
  "created-webhook": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/created-webhook.schema.json",
    "title": "CreatedWebhook",
    "description": "The 201 of POST /v1/webhooks (webhooks.md §2.2): the only answer that carries the secret.",
    "type": "object",
    "required": [
      "webhookId",
      "secret",
      "secretFingerprint"
    ],
    "properties": {
      "webhookId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "subscriptionId": {
        "description": "The same value as webhookId, for clients written against that name.",
        "type": "string"
      },
      "secret": {
        "type": "string",
        "minLength": 32
      },
      "secretFingerprint": {
        "type": "string",
        "pattern": "^[0-9a-f]{8}$"
      }
    },
    "additionalProperties": true
  },
  "dead-letter-replay-request": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/dead-letter-replay-request.schema.json",
    "title": "DeadLetterReplayRequest",
    "description": "Optional body of POST /v1/webhooks/{webhookId}/dead-letters/replay (webhooks.md §14.4). Closed.",
    "type": "object",
    "properties": {
      "since": {
        "description": "Only dead letters created at or after this instant.",
        "type": "string",
        "format": "date-time"
      },
      "until": {
        "description": "Only dead letters created before this instant.",
        "type": "string",
        "format": "date-time"
      },
      "eventTypes": {
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1
        },
        "minItems": 1,
        "maxItems": 100,
        "uniqueItems": true
      },
      "limit": {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000
      }
    },
    "additionalProperties": false
  },
  "debug-bundle": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/debug-bundle.schema.json",
    "title": "DebugBundle",
    "description": "Portable diagnostic export of one run, served by GET /v1/runs/{runId}/debug-bundle. metrics.eventCount must equal events.length; JSON Schema cannot say that, so the conformance suite checks it.",
    "type": "object",
    "required": [
      "bundleVersion",
      "generatedAt",
      "host",
      "run",
      "events",
      "spans",
      "metrics",
      "redactionApplied",
      "redactionMode"
    ],
    "properties": {
      "bundleVersion": {
        "const": "1"
      },
      "generatedAt": {
        "type": "string",
        "format": "date-time"
      },
      "host": {
        "$ref": "#/$defs/DebugBundleHost"
      },
      "run": {
        "$ref": "#/$defs/DebugBundleRun"
      },
      "events": {
        "description": "The run's full ordered log, or a prefix of it when truncated.",
        "type": "array",
        "items": {
          "$ref": "https://openwop.dev/schemas/v1/run-event.schema.json"
        }
      },
      "spans": {
        "description": "Trace spans of the run; empty when the host records none.",
        "type": "array",
        "items": {
          "$ref": "#/$defs/DebugSpan"
        }
      },
      "metrics": {
        "$ref": "#/$defs/DebugBundleMetrics"
      },
      "redactionApplied": {
        "type": "boolean"
      },
      "redactionMode": {
        "description": "How sensitive values were treated; the host's compliance default.",
        "enum": [
          "mask",
          "omit",
          "hash",
          "passthrough"
        ]
      },
      "truncated": {
        "description": "True when the bundle hit the size cap and events is a prefix of the log.",
        "type": "boolean"
      },
      "truncatedReason": {
        "description": "Why the bundle was truncated, e.g. \"events_truncated_to_size_cap\".",
        "type": "string",
        "minLength": 1
      }
    },
    "additionalProperties": false,
    "allOf": [
      {
        "$comment": "A truncated bundle must say why, or readers cannot tell a cap from a bug.",
        "if": {
          "properties": {
            "truncated": {
              "const": true
            }
          },
          "required": [
            "truncated"
          ]
        },
        "then": {
          "required": [
            "truncatedReason"
          ]
        }
      },
      {
        "$comment": "Passthrough leaves values untouched, so claiming redaction with it is a contradiction.",
        "if": {
          "properties": {
            "redactionApplied": {
              "const": true
            }
          },
          "required": [
            "redactionApplied"
          ]
        },
        "then": {
          "properties": {
            "redactionMode": {
              "not": {
                "const": "passthrough"
              }
            }
          }
        }
      }
    ],
    "$defs": {
      "DebugBundleHost": {
        "title": "DebugBundleHost",
        "description": "Mirrors the discovery document's implementation block.",
        "type": "object",
        "required": [
          "name",
          "version"
        ],
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1
          },
          "version": {
            "type": "string",
            "minLength": 1
          },
          "vendor": {
            "type": "string",
            "minLength": 1
          }
        },
        "additionalProperties": false
      },
      "DebugBundleRun": {
        "title": "DebugBundleRun",
        "type": "object",
        "required": [
          "runId",
          "workflowId",
          "status"
        ],
        "properties": {
          "runId": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128
          },
          "workflowId": {
            "type": "string",
            "minLength": 1
          },
          "status": {
            "$ref": "https://openwop.dev/schemas/v1/run-snapshot.schema.json#/$defs/RunStatus"
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "endedAt": {
            "type": "string",
            "format": "date-time"
          },
          "error": {
            "$ref": "https://openwop.dev/schemas/v1/run-snapshot.schema.json#/$defs/RunError"
          },
          "inputs": {
            "type": "object",
            "additionalProperties": true
          },
          "variables": {
            "type": "object",
            "additionalProperties": true
          }
        },
        "additionalProperties": false
      },
      "DebugSpan": {
        "title": "DebugSpan",
        "type": "object",
        "required": [
          "name",
          "traceId",
          "spanId",
          "parentSpanId",
          "kind",
          "status",
          "startedAt",
          "endedAt",
          "attributes"
        ],
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1
          },
          "traceId": {
            "description": "W3C trace id: 32 lowercase hex digits, never all zeros.",
            "type": "string",
            "pattern": "^(?!0{32}$)[0-9a-f]{32}$"
          },
          "spanId": {
            "description": "W3C span id: 16 lowercase hex digits, never all zeros.",
            "type": "string",
            "pattern": "^(?!0{16}$)[0-9a-f]{16}$"
          },
          "parentSpanId": {
            "description": "The parent span, or null for the root span.",
            "type": [
              "string",
              "null"
            ],
            "pattern": "^(?!0{16}$)[0-9a-f]{16}$"
          },
          "kind": {
            "enum": [
              "internal",
              "server",
              "client",
              "producer",
              "consumer"
            ]
          },
          "status": {
            "$ref": "#/$defs/DebugSpanStatus"
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "endedAt": {
            "type": "string",
            "format": "date-time"
          },
          "attributes": {
            "description": "OpenTelemetry attributes: primitives or arrays of primitives.",
            "type": "object",
            "additionalProperties": {
              "type": [
                "string",
                "number",
                "boolean",
                "array"
              ],
              "items": {
                "type": [
                  "string",
                  "number",
                  "boolean"
                ]
              }
            }
          }
        },
        "additionalProperties": false
      },
      "DebugSpanStatus": {
        "title": "DebugSpanStatus",
        "type": "object",
        "required": [
          "code"
        ],
        "properties": {
          "code": {
            "enum": [
              "unset",
              "ok",
              "error"
            ]
          },
          "message": {
            "type": "string"
          }
        },
        "additionalProperties": false
      },
      "DebugBundleMetrics": {
        "title": "DebugBundleMetrics",
        "type": "object",
        "required": [
          "nodeCount",
          "eventCount"
        ],
        "properties": {
          "openwopCost": {
            "description": "Accumulated cost of the run, or null when the host does not track cost.",
            "type": [
              "object",
              "null"
            ],
            "additionalProperties": true
          },
          "nodeCount": {
            "description": "Number of distinct node ids in the log.",
            "type": "integer",
            "minimum": 0
          },
          "eventCount": {
            "description": "Must equal events.length.",
            "type": "integer",
            "minimum": 0
          }
        },
        "additionalProperties": false
      }
    }
  },
  "error-envelope": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/error-envelope.schema.json",
    "title": "ErrorEnvelope",
    "description": "The one body shape of every non-2xx response. Exactly three top-level keys: anything else a host wants to say (retry hints, the missing scope, a correlation id) belongs under details, so clients can rely on the shape.",
    "type": "object",
    "required": [
      "error",
      "message"
    ],
    "properties": {
      "error": {
        "description": "Stable machine-readable code, e.g. \"validation_error\" or \"not_found\".",
        "type": "string",
        "minLength": 1
      },
      "message": {
        "description": "Human-readable explanation. Must not echo caller input or leak internals.",
        "type": "string",
        "minLength": 1
      },
      "details": {
        "description": "Structured context for the code, e.g. {\"field\": \"workflowId\"} or {\"retryAfter\": 1}.",
        "type": "object",
        "additionalProperties": true
      }
    },
    "additionalProperties": false
  },
  "event-feed-page": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/event-feed-page.schema.json",
    "title": "EventFeedPage",
    "description": "The 200 of GET /v1/events (webhooks.md §15): the tenant's events across runs after a cursor.",
    "type": "object",
    "required": [
      "events",
      "nextCursor"
    ],
    "properties": {
      "events": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/FeedEntry"
        },
        "maxItems": 1000
      },
      "nextCursor": {
        "description": "The last entry's cursor, or the cursor sent when the page is empty; null before the first event of a tenant that has none.",
        "type": [
          "string",
          "null"
        ],
        "minLength": 1
      }
    },
    "additionalProperties": true,
    "$defs": {
      "FeedEntry": {
        "title": "FeedEntry",
        "type": "object",
        "required": [
          "cursor",
          "event"
        ],
        "properties": {
          "cursor": {
            "type": "string",
            "minLength": 1
          },
          "event": {
            "$ref": "https://openwop.dev/schemas/v1/run-event.schema.json"
          }
        },
        "additionalProperties": false
      }
    }
  },
  "interrupt-resolution": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/interrupt-resolution.schema.json",
    "title": "InterruptResolution",
    "description": "Body of POST /v1/runs/{runId}/interrupts/{nodeId} and POST /v1/interrupts/{token}.",
    "type": "object",
    "required": [
      "resumeValue"
    ],
    "properties": {
      "resumeValue": {
        "$ref": "#/$defs/ResumeValue"
      }
    },
    "additionalProperties": false,
    "$defs": {
      "ResumeValue": {
        "title": "ResumeValue",
        "description": "The answer that resumes the suspended node. A value that carries `action` is an approval decision and must be a valid one; a value that carries `answers` is a clarification reply and must be a valid one. Anything else is an external-event or custom resume whose shape the suspending node defines.",
        "anyOf": [
          {
            "$ref": "#/$defs/ApprovalResume"
          },
          {
            "$ref": "#/$defs/ClarificationResume"
          },
          {
            "$ref": "#/$defs/ExternalEventResume"
          },
          {
            "$ref": "#/$defs/CustomResume"
          }
        ]
      },
      "ApprovalResume": {
        "title": "ApprovalResume",
        "type": "object",
        "required": [
          "action"
        ],
        "properties": {
          "action": {
            "enum": [
              "accept",
              "reject",
              "refine",
              "edit-accept"
            ]
          },
          "feedback": {
            "type": "string"
          },
          "comment": {
            "type": "string"
          },
          "refineFeedback": {
            "$ref": "#/$defs/RefineFeedback"
          },
          "editedArtifactData": {
            "description": "The edited artifact accepted in place of the proposed one; any JSON value."
          },
          "decidedBy": {
            "description": "Who decided. Hosts fill it from the authenticated caller when absent.",
            "type": "string",
            "minLength": 1
          },
          "decidedAt": {
            "type": "string",
            "format": "date-time"
          }
        },
        "additionalProperties": false
      },
      "RefineFeedback": {
        "title": "RefineFeedback",
        "description": "What to change when an approver asks for a refinement.",
        "type": "object",
        "required": [
          "scope"
        ],
        "properties": {
          "scope": {
            "enum": [
              "whole",
              "section",
              "items"
            ]
          },
          "sectionPath": {
            "type": "string"
          },
          "itemIds": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "tags": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "text": {
            "type": "string"
          }
        },
        "additionalProperties": false
      },
      "ClarificationResume": {
        "title": "ClarificationResume",
        "type": "object",
        "required": [
          "answers"
        ],
        "properties": {
          "answers": {
            "description": "Answers keyed by question id ({\"q1\": \"blue\"}), or the equivalent list form ([{\"id\": \"q1\", \"answer\": \"blue\"}]). Both are in use, so both are accepted.",
            "anyOf": [
              {
                "$ref": "#/$defs/ClarificationAnswerMap"
              },
              {
                "$ref": "#/$defs/ClarificationAnswerList"
              }
            ]
          }
        },
        "additionalProperties": false
      },
      "ClarificationAnswerMap": {
        "title": "ClarificationAnswerMap",
        "type": "object",
        "additionalProperties": true
      },
      "ClarificationAnswerList": {
        "title": "ClarificationAnswerList",
        "type": "array",
        "items": {
          "$ref": "#/$defs/ClarificationAnswer"
        }
      },
      "ClarificationAnswer": {
        "title": "ClarificationAnswer",
        "type": "object",
        "required": [
          "id",
          "answer"
        ],
        "properties": {
          "id": {
            "type": "string",
            "minLength": 1
          },
          "answer": {
            "description": "Any JSON value."
          }
        },
        "additionalProperties": false
      },
      "ExternalEventResume": {
        "title": "ExternalEventResume",
        "description": "Delivers the awaited external event.",
        "type": "object",
        "required": [
          "eventPayload"
        ],
        "properties": {
          "eventPayload": {
            "description": "Any JSON value."
          },
          "correlationId": {
            "type": "string",
            "minLength": 1
          }
        },
        "additionalProperties": false
      },
      "CustomResume": {
        "title": "CustomResume",
        "description": "A resume value for a custom interrupt. It may not use the keys that identify approval and clarification answers, so a malformed approval or clarification cannot slip through as a custom value.",
        "type": "object",
        "not": {
          "anyOf": [
            {
              "required": [
                "action"
              ]
            },
            {
              "required": [
                "answers"
              ]
            }
          ]
        },
        "additionalProperties": true
      }
    }
  },
  "interrupt-resolution-response": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/interrupt-resolution-response.schema.json",
    "title": "InterruptResolutionResponse",
    "description": "200 body of POST /v1/runs/{runId}/interrupts/{nodeId} (spec/v1/core.md §10.3): the resolved interrupt's run and node, and the run status after the resolving transaction. Open, like every response body a client reads.",
    "type": "object",
    "required": [
      "runId",
      "nodeId",
      "status"
    ],
    "properties": {
      "runId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "nodeId": {
        "type": "string",
        "minLength": 1
      },
      "status": {
        "$ref": "https://openwop.dev/schemas/v1/run-snapshot.schema.json#/$defs/RunStatus"
      }
    },
    "additionalProperties": true
  },
  "issued-api-key": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/issued-api-key.schema.json",
    "title": "IssuedApiKey",
    "description": "The 201 of POST /v1/keys and POST /v1/keys/{keyId}/rotate (auth.md §10.3, §10.6): the only answer that ever carries the secret. A rotation adds replaces and graceUntil.",
    "type": "object",
    "required": [
      "keyId",
      "key",
      "prefix",
      "tenant",
      "label",
      "scopes",
      "kind",
      "createdAt",
      "expiresAt"
    ],
    "properties": {
      "keyId": {
        "$ref": "https://openwop.dev/schemas/v1/api-key.schema.json#/$defs/KeyId"
      },
      "key": {
        "description": "The secret. Shown once: store it now.",
        "type": "string",
        "minLength": 16
      },
      "prefix": {
        "type": "string",
        "minLength": 1
      },
      "tenant": {
        "type": "string",
        "minLength": 1
      },
      "label": {
        "type": "string",
        "maxLength": 200
      },
      "scopes": {
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1
        },
        "uniqueItems": true
      },
      "kind": {
        "$ref": "https://openwop.dev/schemas/v1/api-key.schema.json#/$defs/ApiKeyKind"
      },
      "createdAt": {
        "type": "string",
        "format": "date-time"
      },
      "expiresAt": {
        "type": [
          "string",
          "null"
        ],
        "format": "date-time"
      },
      "replaces": {
        "$ref": "https://openwop.dev/schemas/v1/api-key.schema.json#/$defs/KeyId"
      },
      "graceUntil": {
        "description": "Until when the replaced key keeps working.",
        "type": "string",
        "format": "date-time"
      }
    },
    "dependentRequired": {
      "replaces": [
        "graceUntil"
      ],
      "graceUntil": [
        "replaces"
      ]
    },
    "additionalProperties": true
  },
  "pause-run-request": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/pause-run-request.schema.json",
    "title": "PauseRunRequest",
    "description": "Body of POST /v1/runs/{runId}:pause (spec/v1/core.md §6.11); the body may also be absent. Closed, so a misspelt member is refused rather than ignored.",
    "type": "object",
    "properties": {
      "reason": {
        "description": "Why the operator paused the run; echoed in run.paused.",
        "type": "string",
        "maxLength": 1000
      },
      "drainPolicy": {
        "$ref": "#/$defs/DrainPolicy"
      }
    },
    "additionalProperties": false,
    "$defs": {
      "DrainPolicy": {
        "title": "DrainPolicy",
        "description": "drain-current-node (the default): a node executing when the pause arrives finishes and its result is kept; immediate: the pause takes effect at once and a node still executing runs again after resume.",
        "type": "string",
        "enum": [
          "drain-current-node",
          "immediate"
        ]
      }
    }
  },
  "pause-run-response": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/pause-run-response.schema.json",
    "title": "PauseRunResponse",
    "description": "202 body of POST /v1/runs/{runId}:pause (spec/v1/core.md §6.11): the run is paused from pausedAt and starts no node until it is resumed. Open, like every response body a client reads.",
    "type": "object",
    "required": [
      "runId",
      "status",
      "pausedAt"
    ],
    "properties": {
      "runId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "status": {
        "const": "paused"
      },
      "pausedAt": {
        "type": "string",
        "format": "date-time"
      }
    },
    "additionalProperties": true
  },
  "poll-response": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/poll-response.schema.json",
    "title": "PollResponse",
    "description": "Body of GET /v1/runs/{runId}/events/poll. Carries both the field set of the OpenAPI document (events, isComplete) and that of the version-negotiation prose (runId, lastEventSeq, runStatus, isTerminal), so clients written against either keep working.",
    "type": "object",
    "required": [
      "runId",
      "events",
      "lastEventSeq",
      "runStatus",
      "isTerminal",
      "isComplete"
    ],
    "properties": {
      "runId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "events": {
        "description": "Events with a sequence greater than the request's lastSequence cursor, in sequence order.",
        "type": "array",
        "items": {
          "$ref": "https://openwop.dev/schemas/v1/run-event.schema.json"
        }
      },
      "lastEventSeq": {
        "description": "The cursor to send as lastSequence next: the sequence of the last event in `events`, or, when `events` is empty, the cursor the caller sent. -1 means the caller has seen nothing yet (no cursor was sent and the log is empty).",
        "type": "integer",
        "minimum": -1
      },
      "runStatus": {
        "$ref": "https://openwop.dev/schemas/v1/run-snapshot.schema.json#/$defs/RunStatus"
      },
      "isTerminal": {
        "description": "True when runStatus is terminal (completed, failed or cancelled).",
        "type": "boolean"
      },
      "isComplete": {
        "description": "Same as isTerminal; the OpenAPI document's name for it.",
        "type": "boolean"
      }
    },
    "additionalProperties": true
  },
  "resume-run-response": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/resume-run-response.schema.json",
    "title": "ResumeRunResponse",
    "description": "202 body of POST /v1/runs/{runId}:resume (spec/v1/core.md §6.11): the status the run returned to, `running` for a run that had started, `pending` for one paused before it started, or its waiting status when an interrupt it waits on is still open. Open, like every response body a client reads.",
    "type": "object",
    "required": [
      "runId",
      "status",
      "resumedAt"
    ],
    "properties": {
      "runId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "status": {
        "enum": [
          "pending",
          "running",
          "waiting-approval",
          "waiting-input",
          "waiting-external"
        ]
      },
      "resumedAt": {
        "type": "string",
        "format": "date-time"
      }
    },
    "additionalProperties": true
  },
  "rotate-api-key-request": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/rotate-api-key-request.schema.json",
    "title": "RotateApiKeyRequest",
    "description": "Optional body of POST /v1/keys/{keyId}/rotate (auth.md §10.6). Closed. The host checks graceSeconds against its advertised keys.maxGraceSeconds.",
    "type": "object",
    "properties": {
      "graceSeconds": {
        "description": "How long the rotated key keeps working.",
        "type": "integer",
        "minimum": 0
      }
    },
    "additionalProperties": false
  },
  "run-event": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/run-event.schema.json",
    "title": "RunEvent",
    "description": "One entry of a run's append-only event log, as served by SSE, poll, webhooks and debug bundles. The envelope is closed; the event type is deliberately open so that readers accept event types added after they were written.",
    "type": "object",
    "required": [
      "eventId",
      "runId",
      "type",
      "payload",
      "timestamp",
      "sequence"
    ],
    "properties": {
      "eventId": {
        "description": "Globally unique, opaque identifier of this event.",
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "runId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "type": {
        "description": "Event type such as \"run.started\" or \"node.completed\". Not an enum: readers must not reject types they do not know.",
        "type": "string",
        "minLength": 1
      },
      "payload": {
        "description": "Type-specific data; any JSON value."
      },
      "timestamp": {
        "type": "string",
        "format": "date-time"
      },
      "sequence": {
        "description": "Position in the run's log: 0 for the first event, then gapless and strictly increasing by one.",
        "type": "integer",
        "minimum": 0
      },
      "nodeId": {
        "description": "Present on node-scoped events.",
        "type": "string",
        "minLength": 1
      },
      "schemaVersion": {
        "description": "Version of this event type's payload shape (1 in v1).",
        "type": "integer",
        "minimum": 0
      },
      "engineVersion": {
        "description": "Decimal string of the writing engine's integer version.",
        "type": "string",
        "minLength": 1
      },
      "causationId": {
        "description": "eventId of the event that caused this one.",
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      }
    },
    "additionalProperties": false
  },
  "run-list": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/run-list.schema.json",
    "title": "RunList",
    "description": "The 200 of GET /v1/runs (spec/v1/core.md §6.9): one page of the tenant's runs, newest first, and the cursor of the next page, null on the last.",
    "type": "object",
    "required": [
      "runs",
      "nextCursor"
    ],
    "properties": {
      "runs": {
        "type": "array",
        "items": {
          "$ref": "https://openwop.dev/schemas/v1/run-summary.schema.json"
        },
        "maxItems": 100
      },
      "nextCursor": {
        "type": [
          "string",
          "null"
        ],
        "minLength": 1
      }
    },
    "additionalProperties": true
  },
  "run-snapshot": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/run-snapshot.schema.json",
    "title": "RunSnapshot",
    "description": "The state of one run as returned by GET /v1/runs/{runId}. The root is open: readers ignore fields they do not know.",
    "type": "object",
    "required": [
      "runId",
      "workflowId",
      "status"
    ],
    "properties": {
      "runId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "workflowId": {
        "type": "string",
        "minLength": 1
      },
      "status": {
        "$ref": "#/$defs/RunStatus"
      },
      "owner": {
        "$ref": "#/$defs/RunOwner"
      },
      "currentNodeId": {
        "description": "The node a suspended (waiting-*) run is parked on.",
        "type": "string",
        "minLength": 1
      },
      "startedAt": {
        "type": "string",
        "format": "date-time"
      },
      "completedAt": {
        "type": "string",
        "format": "date-time"
      },
      "nodeStates": {
        "description": "Per-node execution state, keyed by node id.",
        "type": "object",
        "additionalProperties": true
      },
      "variables": {
        "type": "object",
        "additionalProperties": true
      },
      "channels": {
        "type": "object",
        "additionalProperties": true
      },
      "error": {
        "$ref": "#/$defs/RunError"
      },
      "engineVersion": {
        "description": "Version of the engine that wrote the run. A number here, unlike the string on events.",
        "type": "number",
        "minimum": 0
      },
      "eventLogSchemaVersion": {
        "type": "integer",
        "minimum": 0
      },
      "tags": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "metadata": {
        "type": "object",
        "additionalProperties": true
      },
      "configurable": {
        "type": "object",
        "additionalProperties": true
      },
      "inputs": {
        "type": "object",
        "additionalProperties": true
      },
      "parentRunId": {
        "description": "Set on runs started by a core.subWorkflow node.",
        "type": "string",
        "minLength": 1
      },
      "parentNodeId": {
        "type": "string",
        "minLength": 1
      }
    },
    "additionalProperties": true,
    "$defs": {
      "RunStatus": {
        "title": "RunStatus",
        "description": "Lifecycle status of a run. completed, failed and cancelled are terminal; readers treat values they do not know as terminal-unknown.",
        "enum": [
          "pending",
          "running",
          "paused",
          "waiting-approval",
          "waiting-input",
          "waiting-external",
          "completed",
          "failed",
          "cancelling",
          "cancelled"
        ]
      },
      "RunOwner": {
        "title": "RunOwner",
        "description": "Identity triple the run was created under. Opaque ids only, never personal data.",
        "type": "object",
        "required": [
          "tenant"
        ],
        "properties": {
          "tenant": {
            "type": "string",
            "minLength": 1
          },
          "workspace": {
            "type": "string",
            "minLength": 1
          },
          "principal": {
            "type": "string",
            "minLength": 1
          },
          "principalKind": {
            "description": "What kind of caller the principal is, e.g. \"user\" or \"service\".",
            "type": "string",
            "minLength": 1
          }
        },
        "additionalProperties": false
      },
      "RunError": {
        "title": "RunError",
        "description": "Why a run failed, e.g. {\"code\": \"recursion_limit_exceeded\", \"message\": \"...\"}.",
        "type": "object",
        "required": [
          "code",
          "message"
        ],
        "properties": {
          "code": {
            "type": "string",
            "minLength": 1
          },
          "message": {
            "type": "string"
          },
          "details": {
            "type": "object",
            "additionalProperties": true
          }
        },
        "additionalProperties": false
      }
    }
  },
  "run-summary": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/run-summary.schema.json",
    "title": "RunSummary",
    "description": "One run as GET /v1/runs lists it (spec/v1/core.md §6.9): what an operator scans a page for. The full snapshot is at GET /v1/runs/{runId}. Open, like every response body a client reads.",
    "type": "object",
    "required": [
      "runId",
      "workflowId",
      "status",
      "createdAt",
      "tags"
    ],
    "properties": {
      "runId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "workflowId": {
        "type": "string",
        "minLength": 1
      },
      "status": {
        "$ref": "https://openwop.dev/schemas/v1/run-snapshot.schema.json#/$defs/RunStatus"
      },
      "createdAt": {
        "type": "string",
        "format": "date-time"
      },
      "startedAt": {
        "type": "string",
        "format": "date-time"
      },
      "completedAt": {
        "type": "string",
        "format": "date-time"
      },
      "currentNodeId": {
        "description": "Set while the run is suspended on a node.",
        "type": "string",
        "minLength": 1
      },
      "tags": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "error": {
        "$ref": "https://openwop.dev/schemas/v1/run-snapshot.schema.json#/$defs/RunError"
      }
    },
    "additionalProperties": true
  },
  "webhook-delivery": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/webhook-delivery.schema.json",
    "title": "WebhookDelivery",
    "description": "One event bound for one subscription (webhooks.md §14); GET .../deliveries/{deliveryId} adds its attempts.",
    "type": "object",
    "required": [
      "deliveryId",
      "webhookId",
      "runId",
      "sequence",
      "eventType",
      "cursor",
      "status",
      "attempts",
      "nextAttemptAt",
      "createdAt",
      "updatedAt",
      "deliveredAt",
      "lastError"
    ],
    "properties": {
      "deliveryId": {
        "type": "string",
        "minLength": 1
      },
      "webhookId": {
        "type": "string",
        "minLength": 1
      },
      "runId": {
        "type": "string",
        "minLength": 1
      },
      "sequence": {
        "type": "integer",
        "minimum": 0
      },
      "eventType": {
        "type": "string",
        "minLength": 1
      },
      "cursor": {
        "description": "The event's position in the tenant event feed.",
        "type": "string",
        "minLength": 1
      },
      "status": {
        "$ref": "#/$defs/DeliveryStatus"
      },
      "attempts": {
        "description": "Failed attempts counted against the budget since the delivery was created or last replayed; a delivered one does not count.",
        "type": "integer",
        "minimum": 0
      },
      "nextAttemptAt": {
        "type": [
          "string",
          "null"
        ],
        "format": "date-time"
      },
      "createdAt": {
        "type": "string",
        "format": "date-time"
      },
      "updatedAt": {
        "type": "string",
        "format": "date-time"
      },
      "deliveredAt": {
        "type": [
          "string",
          "null"
        ],
        "format": "date-time"
      },
      "lastError": {
        "type": [
          "string",
          "null"
        ]
      },
      "attemptLog": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/WebhookAttempt"
        }
      }
    },
    "additionalProperties": true,
    "$defs": {
      "DeliveryStatus": {
        "title": "DeliveryStatus",
        "description": "pending: due or not yet attempted; failed: the last attempt failed and another is scheduled; delivered: a 2xx was received; dead_lettered: the attempt budget is spent.",
        "enum": [
          "pending",
          "failed",
          "delivered",
          "dead_lettered"
        ]
      },
      "WebhookAttempt": {
        "title": "WebhookAttempt",
        "type": "object",
        "required": [
          "attempt",
          "startedAt",
          "address",
          "statusCode",
          "latencyMs",
          "error",
          "responseExcerpt"
        ],
        "properties": {
          "attempt": {
            "description": "1 for the delivery's first attempt ever, then counting up across replays.",
            "type": "integer",
            "minimum": 1
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "address": {
            "description": "The IP address connected to, when one was.",
            "type": [
              "string",
              "null"
            ]
          },
          "statusCode": {
            "type": [
              "integer",
              "null"
            ]
          },
          "latencyMs": {
            "type": "number",
            "minimum": 0
          },
          "error": {
            "type": [
              "string",
              "null"
            ]
          },
          "responseExcerpt": {
            "description": "At most the first 1 KiB of the answer, as text.",
            "type": [
              "string",
              "null"
            ],
            "maxLength": 1024
          }
        },
        "additionalProperties": true
      }
    }
  },
  "webhook-delivery-list": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/webhook-delivery-list.schema.json",
    "title": "WebhookDeliveryList",
    "description": "The 200 of GET /v1/webhooks/{webhookId}/deliveries: one page, newest first.",
    "type": "object",
    "required": [
      "deliveries",
      "nextCursor"
    ],
    "properties": {
      "deliveries": {
        "type": "array",
        "items": {
          "$ref": "https://openwop.dev/schemas/v1/webhook-delivery.schema.json"
        },
        "maxItems": 100
      },
      "nextCursor": {
        "type": [
          "string",
          "null"
        ],
        "minLength": 1
      }
    },
    "additionalProperties": true
  },
  "webhook-subscription": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/webhook-subscription.schema.json",
    "title": "WebhookSubscription",
    "description": "A webhook subscription as GET /v1/webhooks/{webhookId} answers it (webhooks.md §12.2). Open like every response body, except that it never carries the secret.",
    "type": "object",
    "required": [
      "webhookId",
      "url",
      "events",
      "tags",
      "signature",
      "secretFingerprint",
      "status",
      "circuit",
      "createdAt",
      "updatedAt"
    ],
    "properties": {
      "webhookId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "url": {
        "type": "string",
        "minLength": 1
      },
      "events": {
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1
        },
        "minItems": 1
      },
      "tags": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "signature": {
        "$ref": "#/$defs/WebhookSignature"
      },
      "secretFingerprint": {
        "description": "The first 8 hex characters of the SHA-256 of the secret.",
        "type": "string",
        "pattern": "^[0-9a-f]{8}$"
      },
      "status": {
        "$ref": "#/$defs/WebhookStatus"
      },
      "circuit": {
        "$ref": "#/$defs/WebhookCircuit"
      },
      "createdAt": {
        "type": "string",
        "format": "date-time"
      },
      "updatedAt": {
        "type": "string",
        "format": "date-time"
      },
      "secret": false
    },
    "additionalProperties": true,
    "$defs": {
      "WebhookSignature": {
        "title": "WebhookSignature",
        "description": "v1: the X-openwop-Signature of webhooks.md §6; standard-webhooks: those headers plus webhook-id, webhook-timestamp and webhook-signature.",
        "enum": [
          "v1",
          "standard-webhooks"
        ]
      },
      "WebhookStatus": {
        "title": "WebhookStatus",
        "description": "active: delivered to; paused: deliveries are recorded and wait; failed: marked by the circuit breaker's weekly budget (webhooks.md §8.2), receives nothing more.",
        "enum": [
          "active",
          "paused",
          "failed"
        ]
      },
      "WebhookCircuit": {
        "title": "WebhookCircuit",
        "type": "object",
        "required": [
          "open",
          "openUntil",
          "consecutiveFailures"
        ],
        "properties": {
          "open": {
            "type": "boolean"
          },
          "openUntil": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "consecutiveFailures": {
            "type": "integer",
            "minimum": 0
          }
        },
        "additionalProperties": true
      }
    }
  },
  "webhook-subscription-list": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/webhook-subscription-list.schema.json",
    "title": "WebhookSubscriptionList",
    "description": "The 200 of GET /v1/webhooks: one page of the tenant's subscriptions, newest first.",
    "type": "object",
    "required": [
      "webhooks",
      "nextCursor"
    ],
    "properties": {
      "webhooks": {
        "type": "array",
        "items": {
          "$ref": "https://openwop.dev/schemas/v1/webhook-subscription.schema.json"
        },
        "maxItems": 100
      },
      "nextCursor": {
        "type": [
          "string",
          "null"
        ],
        "minLength": 1
      }
    },
    "additionalProperties": true
  },
  "workflow-definition": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openwop.dev/schemas/v1/workflow-definition.schema.json",
    "title": "WorkflowDefinition",
    "description": "A workflow: a DAG of nodes joined by edges, with the triggers that start it and the variables its runs are seeded with. Closed, so a misspelt key is an error at registration rather than a silently ignored setting at run time.",
    "type": "object",
    "required": [
      "id",
      "name",
      "version",
      "nodes",
      "edges",
      "triggers",
      "variables",
      "metadata",
      "settings"
    ],
    "properties": {
      "id": {
        "type": "string",
        "pattern": "^[a-z][a-z0-9_-]*$",
        "maxLength": 128
      },
      "name": {
        "type": "string",
        "minLength": 1,
        "maxLength": 256
      },
      "version": {
        "description": "Author-chosen version label, e.g. \"1.0.0\".",
        "type": "string",
        "minLength": 1
      },
      "description": {
        "type": "string"
      },
      "type": {
        "description": "Host-defined workflow category.",
        "type": "string"
      },
      "status": {
        "enum": [
          "active",
          "inactive",
          "draft",
          "archived"
        ]
      },
      "isActive": {
        "type": "boolean"
      },
      "tenantId": {
        "type": "string",
        "minLength": 1
      },
      "scopeId": {
        "type": "string",
        "minLength": 1
      },
      "slug": {
        "type": "string",
        "minLength": 1
      },
      "tags": {
        "$ref": "#/$defs/WorkflowTags"
      },
      "configurableSchema": {
        "description": "JSON Schema 2020-12 that a run's `configurable` overlay must satisfy.",
        "type": "object",
        "additionalProperties": true
      },
      "nodes": {
        "type": "array",
        "minItems": 1,
        "items": {
          "$ref": "#/$defs/WorkflowNode"
        }
      },
      "edges": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/WorkflowEdge"
        }
      },
      "triggers": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/WorkflowTrigger"
        }
      },
      "variables": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/WorkflowVariable"
        }
      },
      "metadata": {
        "$ref": "#/$defs/WorkflowMetadata"
      },
      "settings": {
        "$ref": "#/$defs/WorkflowSettings"
      },
      "createdAt": {
        "type": "string",
        "format": "date-time"
      },
      "updatedAt": {
        "type": "string",
        "format": "date-time"
      }
    },
    "additionalProperties": false,
    "$defs": {
      "WorkflowTags": {
        "type": "array",
        "maxItems": 100,
        "items": {
          "type": "string",
          "maxLength": 256
        }
      },
      "WorkflowNode": {
        "title": "WorkflowNode",
        "type": "object",
        "required": [
          "id",
          "typeId",
          "name",
          "position",
          "config",
          "inputs"
        ],
        "properties": {
          "id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128
          },
          "typeId": {
            "description": "Registered node type, e.g. \"core.delay\".",
            "type": "string",
            "pattern": "^[a-z][a-zA-Z0-9._-]*$"
          },
          "name": {
            "type": "string"
          },
          "position": {
            "$ref": "#/$defs/NodePosition"
          },
          "config": {
            "description": "Type-specific static configuration.",
            "type": "object",
            "additionalProperties": true
          },
          "inputs": {
            "description": "Where each input port gets its value, keyed by port name.",
            "type": "object",
            "additionalProperties": {
              "$ref": "#/$defs/PortValue"
            }
          },
          "requires": {
            "description": "Runtime capability ids the node needs. A host that lacks one must not execute the node and fails the run with capability_not_provided.",
            "type": "array",
            "items": {
              "type": "string",
              "minLength": 1
            },
            "uniqueItems": true
          },
          "settings": {
            "description": "Per-node execution settings interpreted by the host. The retry members are defined by spec/v1/core.md §8.5; other members are host-specific.",
            "type": "object",
            "properties": {
              "maxRetries": {
                "description": "Retries after a failed attempt; overrides the workflow's settings.maxRetries.",
                "type": "integer",
                "minimum": 0,
                "maximum": 100
              },
              "retryBackoffMs": {
                "description": "Wait before the first retry, doubled for each later one; 1000 when absent.",
                "type": "integer",
                "minimum": 0,
                "maximum": 3600000
              },
              "maxRetryDelayMs": {
                "description": "Cap on the wait between attempts; 30000 when absent.",
                "type": "integer",
                "minimum": 0,
                "maximum": 86400000
              }
            },
            "additionalProperties": true
          },
          "disabled": {
            "type": "boolean"
          },
          "notes": {
            "type": "string"
          },
          "outputSensitivity": {
            "description": "Output ports whose values are redacted before they reach the event log.",
            "type": "object",
            "additionalProperties": {
              "type": "boolean"
            }
          },
          "outputRole": {
            "enum": [
              "primary",
              "secondary"
            ]
          },
          "groupId": {
            "type": "string",
            "minLength": 1
          },
          "credentialsRef": {
            "type": "string",
            "minLength": 1
          }
        },
        "additionalProperties": false
      },
      "NodePosition": {
        "title": "NodePosition",
        "description": "Canvas coordinates; no effect on execution.",
        "type": "object",
        "required": [
          "x",
          "y"
        ],
        "properties": {
          "x": {
            "type": "number"
          },
          "y": {
            "type": "number"
          }
        },
        "additionalProperties": false
      },
      "PortValue": {
        "title": "PortValue",
        "oneOf": [
          {
            "$ref": "#/$defs/StaticPortValue"
          },
          {
            "$ref": "#/$defs/ExpressionPortValue"
          },
          {
            "$ref": "#/$defs/ConnectionPortValue"
          },
          {
            "$ref": "#/$defs/VariablePortValue"
          }
        ]
      },
      "StaticPortValue": {
        "title": "StaticPortValue",
        "type": "object",
        "required": [
          "type",
          "value"
        ],
        "properties": {
          "type": {
            "const": "static"
          },
          "value": {
            "description": "Any JSON value."
          }
        },
        "additionalProperties": false
      },
      "ExpressionPortValue": {
        "title": "ExpressionPortValue",
        "type": "object",
        "required": [
          "type",
          "expression"
        ],
        "properties": {
          "type": {
            "const": "expression"
          },
          "expression": {
            "type": "string"
          }
        },
        "additionalProperties": false
      },
      "ConnectionPortValue": {
        "title": "ConnectionPortValue",
        "description": "Takes the value of another node's output.",
        "type": "object",
        "required": [
          "type",
          "nodeId",
          "outputKey"
        ],
        "properties": {
          "type": {
            "const": "connection"
          },
          "nodeId": {
            "type": "string",
            "minLength": 1
          },
          "outputKey": {
            "type": "string",
            "minLength": 1
          },
          "optional": {
            "type": "boolean"
          }
        },
        "additionalProperties": false
      },
      "VariablePortValue": {
        "title": "VariablePortValue",
        "description": "Takes the value of a workflow variable.",
        "type": "object",
        "required": [
          "type",
          "variableName"
        ],
        "properties": {
          "type": {
            "const": "variable"
          },
          "variableName": {
            "type": "string",
            "minLength": 1
          },
          "optional": {
            "type": "boolean"
          }
        },
        "additionalProperties": false
      },
      "WorkflowEdge": {
        "title": "WorkflowEdge",
        "type": "object",
        "required": [
          "id",
          "sourceNodeId",
          "targetNodeId"
        ],
        "properties": {
          "id": {
            "type": "string",
            "minLength": 1
          },
          "sourceNodeId": {
            "type": "string",
            "minLength": 1
          },
          "targetNodeId": {
            "type": "string",
            "minLength": 1
          },
          "sourceOutput": {
            "description": "Output port of the source; \"output\" when absent.",
            "type": "string",
            "minLength": 1
          },
          "targetInput": {
            "description": "Input port of the target; \"input\" when absent.",
            "type": "string",
            "minLength": 1
          },
          "condition": {
            "$ref": "#/$defs/EdgeCondition"
          },
          "label": {
            "type": "string"
          },
          "triggerRule": {
            "title": "TriggerRule",
            "description": "When the target may run given the outcomes of its incoming edges; all_success when absent.",
            "enum": [
              "all_success",
              "any_success",
              "all_complete",
              "none_failed",
              "any_failed"
            ]
          }
        },
        "additionalProperties": false
      },
      "EdgeCondition": {
        "title": "EdgeCondition",
        "type": "object",
        "required": [
          "type"
        ],
        "properties": {
          "type": {
            "enum": [
              "expression",
              "equals",
              "notEquals",
              "contains",
              "regex",
              "truthy",
              "falsy"
            ]
          },
          "left": {
            "description": "Left operand; any JSON value."
          },
          "right": {
            "description": "Right operand; any JSON value."
          },
          "expression": {
            "type": "string"
          }
        },
        "additionalProperties": false
      },
      "WorkflowTrigger": {
        "title": "WorkflowTrigger",
        "type": "object",
        "required": [
          "id",
          "type"
        ],
        "properties": {
          "id": {
            "type": "string",
            "minLength": 1
          },
          "type": {
            "enum": [
              "manual",
              "schedule",
              "webhook",
              "event",
              "artifact",
              "canvas",
              "envelope",
              "command",
              "chat-message",
              "channel-write"
            ]
          },
          "name": {
            "type": "string"
          },
          "config": {
            "type": "object",
            "additionalProperties": true
          },
          "enabled": {
            "description": "true when absent.",
            "type": "boolean"
          },
          "nodeId": {
            "type": "string",
            "minLength": 1
          },
          "eventType": {
            "type": "string",
            "minLength": 1
          }
        },
        "additionalProperties": false
      },
      "WorkflowVariable": {
        "title": "WorkflowVariable",
        "description": "A run input. Defaults seed the run's variables, then POST /v1/runs inputs override them.",
        "type": "object",
        "required": [
          "name",
          "type"
        ],
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1
          },
          "type": {
            "title": "VariableType",
            "enum": [
              "string",
              "number",
              "boolean",
              "object",
              "array"
            ]
          },
          "description": {
            "type": "string"
          },
          "required": {
            "type": "boolean"
          },
          "defaultValue": {
            "description": "Any JSON value of the declared type."
          },
          "sensitive": {
            "description": "Redact the value in events, logs and debug bundles.",
            "type": "boolean"
          },
          "format": {
            "type": "string",
            "minLength": 1
          },
          "minimum": {
            "type": "number"
          },
          "maximum": {
            "type": "number"
          }
        },
        "additionalProperties": false
      },
      "WorkflowMetadata": {
        "title": "WorkflowMetadata",
        "description": "Descriptive data about the workflow. Open: hosts and authors keep their own keys here.",
        "type": "object",
        "properties": {
          "tags": {
            "$ref": "#/$defs/WorkflowTags"
          },
          "complianceClass": {
            "enum": [
              "public",
              "pii",
              "phi",
              "pci",
              "regulated"
            ]
          },
          "createdBy": {
            "type": "string"
          }
        },
        "additionalProperties": true
      },
      "WorkflowSettings": {
        "title": "WorkflowSettings",
        "type": "object",
        "properties": {
          "timeout": {
            "description": "Maximum run duration in milliseconds.",
            "type": "integer",
            "minimum": 1
          },
          "maxRetries": {
            "type": "integer",
            "minimum": 0
          },
          "logLevel": {
            "enum": [
              "debug",
              "info",
              "warn",
              "error"
            ]
          },
          "maxLoopbackIterations": {
            "description": "Cap on loop-back traversals; 5 when absent.",
            "type": "integer",
            "minimum": 1
          }
        },
        "additionalProperties": false
      }
    }
  },
};
