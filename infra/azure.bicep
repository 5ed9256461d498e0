// School Policy Bot: the Azure resources one school's deployment needs.
//
//   user-assigned managed identity  -> is the bot's app identity (Azure Bot, msaAppType UserAssignedMSI),
//                                      reads Key Vault secrets, reads/writes Storage tables and blobs and
//                                      calls Microsoft Graph (after an admin grants it Graph app roles:
//                                      see docs/deployment.md)
//   App Service (Linux, Node 22)    -> runs `npm start` on the folder `npm run package:server` assembles (the compiled
//                                      app, the models, package.json and the lock: docs/deployment.md, step 5), after
//                                      installing its production dependencies on Linux; checks /healthz on each instance;
//                                      every app setting below is a variable src/config reads
//   Azure Bot + Teams channel       -> https://<app>/api/messages
//   Storage account                 -> tables and a private blob container, no shared keys (managed identity only)
//   Key Vault (RBAC)                -> secrets; app settings hold Key Vault references, never the values
//   Log Analytics + App Insights    -> logs and requests
//
// Teams Toolkit (arm/deploy in teamsapp.yml) fills the parameters from infra/azure.parameters.json, whose
// ${{VAR}} placeholders come from env/.env.<env> and env/.env.<env>.user, and writes the outputs at the
// bottom back into env/.env.<env> under the same names.

@maxLength(20)
@minLength(4)
@description('Used to name every resource; letters and digits (e.g. policybotdev).')
param resourceBaseName string

@description('Azure region for everything except the Azure Bot (which is global). UK South by default: the records are UK children\'s safeguarding data and UK staff data, kept in the UK (ukwest is the paired UK region).')
param location string = 'uksouth'

@description('App Service plan SKU. B1 is enough for a school; P0v3 or above for Always On with many staff.')
param webAppSku string = 'B1'

@description('Storage redundancy (the account\'s SKU). Empty: Standard_ZRS (three availability zones) in a region that offers zone-redundant storage, such as uksouth; Standard_LRS (one datacentre) where it does not, such as ukwest, which has no availability zones. Standard_GZRS or Standard_GRS also keep a copy in the paired region (uksouth and ukwest pair with each other, so the records stay in the UK).')
@allowed(['', 'Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param storageSku string = ''

@description('Azure Bot SKU: F0 (free, standard channels) or S1.')
@allowed(['F0', 'S1'])
param botServiceSku string = 'F0'

@maxLength(42)
@description('Name shown for the Azure Bot resource.')
param botDisplayName string

// ---- App settings the school chooses (env/.env.<env>) ----

@description('The Teams app manifest id (TEAMS_APP_ID); the app looks its catalog id up to install itself for staff.')
param teamsAppId string

@description('The catalog id of the published app, when known (TEAMS_APP_CATALOG_ID); empty = look it up from teamsAppId.')
param teamsAppCatalogId string = ''

@description('Optional (POLICY_FILES): the school\'s own policy file(s) shipped with the deployment, comma-separated, relative to the app folder (policies/<file>: the deploy packages each one named). Empty: a policy owner sends the policy to the bot in Teams and it is kept in the bot\'s storage. The bundled samples are refused.')
param policyFiles string = ''

@description('Comma-separated Entra object ids of the policy owners: headteacher, HR, SLT (POLICY_OWNERS).')
param policyOwners string

@description('Entra group whose transitive members are staff (STAFF_GROUP_ID); empty = every enabled member user.')
param staffGroupId string = ''

@allowed(['azure', 'sqlite'])
@description('Where records live (STORAGE): azure = the Storage account below; sqlite = a file on the App Service /home share.')
param storageKind string = 'azure'

@description('Log level (LOG_LEVEL): fatal, error, warn, info, debug.')
param logLevel string = 'info'

@description('The school time zone (SCHOOL_TIME_ZONE) every time a person reads is shown in.')
param schoolTimeZone string = 'Europe/London'

@description('Azure OpenAI endpoint (AZURE_OPENAI_ENDPOINT); empty = answers are composed from the policy text only.')
param azureOpenAIEndpoint string = ''

@description('Azure OpenAI deployment name (AZURE_OPENAI_DEPLOYMENT).')
param azureOpenAIDeployment string = ''

@description('Milliseconds to wait for Azure OpenAI before answering without it (AZURE_OPENAI_TIMEOUT_MS).')
param azureOpenAITimeoutMs string = '4000'

@description('Microsoft Graph base URL (GRAPH_BASE_URL); change only for a national cloud.')
param graphBaseUrl string = 'https://graph.microsoft.com'

@description('Bot Connector service URL for chats the app creates (BOT_SERVICE_URL).')
param botServiceUrl string = 'https://smba.trafficmanager.net/teams/'

@description('Tenant-wide bot sends per second (SEND_RATE_PER_SECOND); Teams allows 50 per app per tenant.')
param sendRatePerSecond string = '50'

@description('How much later than others a request may reach Teams, in ms (SEND_ARRIVAL_SPREAD_MS); raise it if Teams answers 429.')
param sendArrivalSpreadMs string = '25'

@description('Tenant-wide Graph app installs per second (GRAPH_INSTALL_RATE_PER_SECOND); Graph allows 30.')
param graphInstallRatePerSecond string = '30'

@description('Seconds a sender holds a claimed delivery (DELIVERY_LEASE_SECONDS).')
param deliveryLeaseSeconds string = '60'

@description('Delivery attempts per recipient before it is recorded as failed (DELIVERY_MAX_ATTEMPTS).')
param deliveryMaxAttempts string = '5'

@description('Where the safeguarding team is alerted (SAFEGUARDING_DESTINATION): team-channel, group-chat or one-to-one.')
@allowed(['team-channel', 'group-chat', 'one-to-one'])
param safeguardingDestination string

@description('With team-channel: a standard channel of a team whose members are the safeguarding team only, 19:...@thread.tacv2 (SAFEGUARDING_CHANNEL_ID).')
param safeguardingChannelId string = ''

@description('With group-chat: the safeguarding team\'s group chat with the bot added, 19:...@thread.v2 (SAFEGUARDING_CHAT_ID).')
param safeguardingChatId string = ''

@description('Deprecated: the old name of SAFEGUARDING_CHANNEL_ID (CONCERN_DSL_CHANNEL_ID); leave empty. Still read, with a warning at start.')
param concernDslChannelId string = ''

@description('The DSL and deputies: comma-separated Entra object ids, optionally id=Name (SAFEGUARDING_TEAM).')
param safeguardingTeam string

@description('Entra object id of the deputy DSL, who receives reports when the channel cannot (CONCERN_DEPUTY_DSL).')
param concernDeputyDsl string

@description('Entra object id of the senior manager who receives online-abuse reports (CONCERN_SENIOR_MANAGER).')
param concernSeniorManager string

@description('Entra object id of the headteacher, case manager for allegations (CONCERN_HEADTEACHER).')
param concernHeadteacher string

@description('Entra object id of the chair of governors, for reports about the headteacher (CONCERN_CHAIR_OF_GOVERNORS).')
param concernChairOfGovernors string

@description('Overrides of the routing table as kind=role pairs (CONCERN_ROUTES); empty = the built-in routes.')
param concernRoutes string = ''

@description('Role used when a report cannot reach its primary destination (CONCERN_FALLBACK_ROUTE).')
param concernFallbackRoute string = 'deputyDsl'

@description('Letters that start each concern reference, e.g. SG-2026-7KQ4MX (CONCERN_REFERENCE_PREFIX).')
param concernReferencePrefix string = 'SG'

@description('Delivery attempts per destination before the fallback route (CONCERN_DELIVERY_ATTEMPTS).')
param concernDeliveryAttempts string = '3'

@description('Where staff read the whole policy, an https intranet or SharePoint page (ACK_POLICY_URL), offered as well as reading it in Teams, where staff always can; empty = Teams only.')
param ackPolicyUrl string = ''

@description('Whether each acknowledgement campaign starts again a year after it started (ACK_REPEAT_YEARLY).')
param ackRepeatYearly string = 'true'

@description('After a due date, a weekly digest of who has not acknowledged goes to line managers and owners (ACK_MANAGER_DIGEST, opt-in).')
param ackManagerDigest string = 'false'

@description('Nobody is reminded more often than this many days (ACK_REMINDER_INTERVAL_DAYS).')
param ackReminderIntervalDays string = '7'

@description('Days from start to due date when the owner gives none (ACK_DEFAULT_DUE_DAYS); moved to a school day.')
param ackDefaultDueDays string = '28'

@description('The school holidays due dates avoid (ACK_SCHOOL_HOLIDAYS): "2026-12-19..2027-01-03 Christmas holidays; 2027-01-04 INSET day"; empty = the usual Christmas and Easter breaks.')
param ackSchoolHolidays string = ''

@description('A newer copy of GOV.UK bank-holidays.json on the app\'s file system (ACK_BANK_HOLIDAYS_FILE, e.g. /home/data/bank-holidays.json); empty = the copy shipped with the app.')
param ackBankHolidaysFile string = ''

@description('Minutes between staff directory syncs after the one at start (STAFF_SYNC_MINUTES); Graph reads only the changes.')
param staffSyncMinutes string = '60'

@description('Minutes between checks for yearly repeats and new joiners (ACK_SCHEDULE_MINUTES).')
param ackScheduleMinutes string = '15'

@description('Entra tenant ids whose staff may use the bot, comma-separated (ALLOWED_TENANT_IDS); empty = the tenant this is deployed in.')
param allowedTenantIds string = ''

@description('Reports one person may send per hour before they are asked to wait (REPORTS_PER_PERSON_PER_HOUR); a first urgent report always goes.')
param reportsPerPersonPerHour string = '6'

@description('Questions one person may send per hour before they are asked to wait (QUESTIONS_PER_PERSON_PER_HOUR).')
param questionsPerPersonPerHour string = '60'

@description('Card presses (any invoke) one person may send per hour before they are asked to slow down (PRESSES_PER_PERSON_PER_HOUR).')
param pressesPerPersonPerHour string = '300'

@description('Days a question staff asked is kept before the bot deletes it, keeping only counts by day (QUESTION_RETENTION_DAYS).')
param questionRetentionDays string = '90'

@description('Letters and digits prefixed to every table name (AZURE_TABLE_PREFIX).')
param azureTablePrefix string = 'policybot'

@description('Tables to create up front, without the prefix (the app also creates any that are missing).')
param tables array = [
  'Versions'
  'Staff'
  'Sync'
  'Refs'
  'Campaigns'
  'Deliveries'
  'Acks'
  'Audit'
  'Workers'
]

@description('CanNotDelete locks on the Storage account and Key Vault, which hold safeguarding records and their key.')
param protectRecords bool = true

// ---- Secrets (env/.env.<env>.user as SECRET_*); stored in Key Vault only ----

@secure()
@minLength(44)
@description('AES-256 key for concern reports at rest, 32 bytes in base64 (SECRET_CONCERN_ENCRYPTION_KEY): npx policy-bot secrets --file env/.env.dev.user makes it.')
param concernEncryptionKey string

// Required here although the app starts without it (it then exports unsealed rows): a school deployed by this template
// always hands an inspector exports whose rows can be checked, and `npx policy-bot secrets` makes the key at no cost.
@secure()
@minLength(16)
@description('Required: the key of the HMAC that seals each row of an acknowledgement export, at least 16 characters (SECRET_ACK_EXPORT_SECRET): npx policy-bot secrets --file env/.env.dev.user makes it.')
param ackExportSecret string

@secure()
@description('Azure OpenAI API key (SECRET_AZURE_OPENAI_API_KEY); empty when Azure OpenAI is not used.')
param azureOpenAIApiKey string = ''

var suffix = uniqueString(resourceGroup().id, resourceBaseName)
// Regions whose standard general-purpose v2 accounts offer zone-redundant storage, from Microsoft's list "Azure regions
// that support zone-redundant storage (ZRS)" (learn.microsoft.com/azure/storage/common/redundancy-regions-zrs). UK South
// is on it; UK West is not. A region added to the list later still deploys, with LRS, until it is added here.
var zoneRedundantStorageRegions = [
  'southafricanorth', 'australiaeast', 'centralindia', 'chinanorth3', 'eastasia', 'japaneast', 'koreacentral'
  'southeastasia', 'francecentral', 'germanywestcentral', 'italynorth', 'northeurope', 'norwayeast', 'polandcentral'
  'spaincentral', 'swedencentral', 'switzerlandnorth', 'uksouth', 'westeurope', 'israelcentral', 'qatarcentral'
  'uaenorth', 'canadacentral', 'centralus', 'eastus', 'eastus2', 'mexicocentral', 'southcentralus', 'usgovvirginia'
  'westus2', 'westus3', 'brazilsouth'
]
var storageSkuName = !empty(storageSku) ? storageSku : (contains(zoneRedundantStorageRegions, toLower(location)) ? 'Standard_ZRS' : 'Standard_LRS')
var storageAccountName = toLower(take('${resourceBaseName}${suffix}', 24))
var keyVaultName = take('${resourceBaseName}-${suffix}', 24)
var roles = {
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: resourceBaseName
  location: location
}

// ---- Storage: tables, reachable only with Entra tokens ----

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: { name: storageSkuName }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource storageTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for name in tables: {
  parent: tableService
  name: '${azureTablePrefix}${name}'
}]

resource tableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, roles.storageTableDataContributor)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

// Exports and the Word/PDF files owners publish live in the private `<prefix>-files` container (the app creates it), so
// that any instance serves any download link.
resource blobRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, roles.storageBlobDataContributor)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

// Safeguarding records are kept for years and never deleted early: deleting the account needs the lock removed first.
resource storageLock 'Microsoft.Authorization/locks@2020-05-01' = if (protectRecords) {
  name: 'keep-safeguarding-records'
  scope: storage
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds safeguarding and acknowledgement records; see docs/operations.md before removing.'
  }
}

// ---- Key Vault: secrets the app reads through Key Vault references ----

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Losing the concern encryption key would make safeguarding records unreadable: never allow a purge.
    enablePurgeProtection: true
  }
}

resource secretsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: keyVault
  name: guid(keyVault.id, identity.id, roles.keyVaultSecretsUser)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource keyVaultLock 'Microsoft.Authorization/locks@2020-05-01' = if (protectRecords) {
  name: 'keep-concern-key'
  scope: keyVault
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds the key that decrypts safeguarding records; see docs/operations.md before removing.'
  }
}

resource concernKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'concern-encryption-key'
  properties: { value: concernEncryptionKey, contentType: 'base64 AES-256 key' }
}

resource ackExportSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'ack-export-secret'
  properties: { value: ackExportSecret }
}

resource openAIKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(azureOpenAIApiKey)) {
  parent: keyVault
  name: 'azure-openai-api-key'
  properties: { value: azureOpenAIApiKey }
}

// App settings refer to secrets by name; App Service resolves them with the identity (keyVaultReferenceIdentity).
var keyVaultRefPrefix = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName='

// ---- Monitoring ----

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: resourceBaseName
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: resourceBaseName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

// ---- App Service ----

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: { name: webAppSku }
  properties: { reserved: true }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      appCommandLine: 'npm start'
      // App Service pings it on every instance each minute and routes around an instance that keeps failing; the app
      // answers 503 when it cannot fetch the Bot Connector's signing keys, that is when it would refuse every message.
      healthCheckPath: '/healthz'
      alwaysOn: webAppSku != 'F1' && webAppSku != 'D1'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: [
        // Platform: install on deploy, on Linux (better-sqlite3 and onnxruntime-node are native), monitoring agent.
        // The upload is the assembled package (npm run package:server): already compiled, with package.json's start as
        // its only script. The build runs this instead of its default `npm install` (which adds devDependencies).
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
        { name: 'CUSTOM_BUILD_COMMAND', value: 'npm ci --omit=dev' }
        // In that npm ci, onnxruntime-node's install script skips the CUDA libraries (the bot runs on the CPU).
        { name: 'ONNXRUNTIME_NODE_INSTALL', value: 'skip' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'ApplicationInsightsAgent_EXTENSION_VERSION', value: '~3' }
        // Used by @azure/identity to pick the user-assigned identity.
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        // The product's own settings: each name is read by src/config.
        { name: 'APP_MODE', value: 'production' }
        { name: 'HOST', value: '0.0.0.0' }
        { name: 'LOG_LEVEL', value: logLevel }
        { name: 'SCHOOL_TIME_ZONE', value: schoolTimeZone }
        { name: 'BOT_ID', value: identity.properties.clientId }
        { name: 'BOT_TYPE', value: 'UserAssignedMSI' }
        { name: 'BOT_TENANT_ID', value: identity.properties.tenantId }
        { name: 'BOT_SERVICE_URL', value: botServiceUrl }
        // Only the school's own staff reach the bot; by default the tenant the bot and its identity live in.
        { name: 'ALLOWED_TENANT_IDS', value: empty(allowedTenantIds) ? tenant().tenantId : allowedTenantIds }
        { name: 'REPORTS_PER_PERSON_PER_HOUR', value: reportsPerPersonPerHour }
        { name: 'QUESTIONS_PER_PERSON_PER_HOUR', value: questionsPerPersonPerHour }
        { name: 'PRESSES_PER_PERSON_PER_HOUR', value: pressesPerPersonPerHour }
        { name: 'QUESTION_RETENTION_DAYS', value: questionRetentionDays }
        { name: 'TEAMS_APP_ID', value: teamsAppId }
        { name: 'TEAMS_APP_CATALOG_ID', value: teamsAppCatalogId }
        { name: 'POLICY_FILES', value: policyFiles }
        { name: 'POLICY_OWNERS', value: policyOwners }
        { name: 'STORAGE', value: storageKind }
        { name: 'SQLITE_PATH', value: '/home/data/policy-bot.sqlite' }
        { name: 'AZURE_STORAGE_ACCOUNT_URL', value: storage.properties.primaryEndpoints.table }
        { name: 'GRAPH_BASE_URL', value: graphBaseUrl }
        { name: 'GRAPH_USE_MANAGED_IDENTITY', value: 'true' }
        { name: 'GRAPH_CLIENT_ID', value: identity.properties.clientId }
        { name: 'GRAPH_TENANT_ID', value: identity.properties.tenantId }
        { name: 'STAFF_GROUP_ID', value: staffGroupId }
        { name: 'SEND_RATE_PER_SECOND', value: sendRatePerSecond }
        { name: 'SEND_ARRIVAL_SPREAD_MS', value: sendArrivalSpreadMs }
        { name: 'GRAPH_INSTALL_RATE_PER_SECOND', value: graphInstallRatePerSecond }
        { name: 'DELIVERY_LEASE_SECONDS', value: deliveryLeaseSeconds }
        { name: 'DELIVERY_MAX_ATTEMPTS', value: deliveryMaxAttempts }
        { name: 'CONCERN_ENCRYPTION_KEY', value: '${keyVaultRefPrefix}${concernKeySecret.name})' }
        { name: 'SAFEGUARDING_TEAM', value: safeguardingTeam }
        { name: 'SAFEGUARDING_DESTINATION', value: safeguardingDestination }
        { name: 'SAFEGUARDING_CHANNEL_ID', value: safeguardingChannelId }
        { name: 'SAFEGUARDING_CHAT_ID', value: safeguardingChatId }
        { name: 'CONCERN_DSL_CHANNEL_ID', value: concernDslChannelId }
        { name: 'CONCERN_DEPUTY_DSL', value: concernDeputyDsl }
        { name: 'CONCERN_SENIOR_MANAGER', value: concernSeniorManager }
        { name: 'CONCERN_HEADTEACHER', value: concernHeadteacher }
        { name: 'CONCERN_CHAIR_OF_GOVERNORS', value: concernChairOfGovernors }
        { name: 'CONCERN_ROUTES', value: concernRoutes }
        { name: 'CONCERN_FALLBACK_ROUTE', value: concernFallbackRoute }
        { name: 'CONCERN_REFERENCE_PREFIX', value: concernReferencePrefix }
        { name: 'CONCERN_DELIVERY_ATTEMPTS', value: concernDeliveryAttempts }
        { name: 'ACK_POLICY_URL', value: ackPolicyUrl }
        { name: 'ACK_REPEAT_YEARLY', value: ackRepeatYearly }
        { name: 'ACK_MANAGER_DIGEST', value: ackManagerDigest }
        { name: 'ACK_REMINDER_INTERVAL_DAYS', value: ackReminderIntervalDays }
        { name: 'ACK_DEFAULT_DUE_DAYS', value: ackDefaultDueDays }
        { name: 'ACK_SCHOOL_HOLIDAYS', value: ackSchoolHolidays }
        { name: 'ACK_BANK_HOLIDAYS_FILE', value: ackBankHolidaysFile }
        { name: 'ACK_SCHEDULE_MINUTES', value: ackScheduleMinutes }
        { name: 'STAFF_SYNC_MINUTES', value: staffSyncMinutes }
        { name: 'ACK_EXPORT_SECRET', value: '${keyVaultRefPrefix}${ackExportSecretSecret.name})' }
        { name: 'AZURE_TABLE_PREFIX', value: azureTablePrefix }
        { name: 'AZURE_OPENAI_ENDPOINT', value: azureOpenAIEndpoint }
        { name: 'AZURE_OPENAI_DEPLOYMENT', value: azureOpenAIDeployment }
        { name: 'AZURE_OPENAI_TIMEOUT_MS', value: azureOpenAITimeoutMs }
        { name: 'AZURE_OPENAI_API_KEY', value: empty(azureOpenAIApiKey) ? '' : '${keyVaultRefPrefix}azure-openai-api-key)' }
      ]
    }
  }
  dependsOn: [secretsRole, tableRole, blobRole]
}

// The app logs with pino to standard output, which Application Insights' Node agent does not collect: App Service's
// console log (and its platform log: starts, restarts, crashes) go to the workspace instead, where the guide's queries
// read them (AppServiceConsoleLogs). Not the HTTP log: its URLs carry the signed export and reader links.
resource webAppLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'app-logs-to-workspace'
  scope: webApp
  properties: {
    workspaceId: logs.id
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
  }
}

// ---- Azure Bot, with the managed identity as its app, and the Teams channel ----

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: { name: botServiceSku }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: identity.properties.tenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// ---- Outputs: written to env/.env.<env> by the Toolkit under these names ----

output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output KEY_VAULT_NAME string = keyVault.name
output STORAGE_ACCOUNT_NAME string = storage.name
