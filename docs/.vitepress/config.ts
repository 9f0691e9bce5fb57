import { defineConfig } from 'vitepress';

/**
 * The site lives at https://portcullis-auth.github.io/portcullis/ (GitHub Pages of the
 * repository), hence the base. `DOCS_BASE` overrides it for another host.
 */
const base = process.env.DOCS_BASE ?? '/portcullis/';
const repository = 'https://github.com/portcullis-auth/portcullis';

export default defineConfig({
  title: 'Portcullis',
  description:
    'Registration, login and user management for Node.js web apps: the FastAPI Users contract on Fastify, Express, Koa and the Fetch API.',
  base,
  lang: 'en',
  // No external requests at run time: no web fonts, no analytics, no CDN. The default theme
  // only loads what is in the build; the docs tests check the built files and a real browser.
  head: [['meta', { name: 'theme-color', content: '#3c3c43' }]],
  lastUpdated: false,
  cleanUrls: false,
  srcExclude: ['**/README.md', 'node_modules/**', 'test/**', 'scripts/**', 'test-artifacts/**'],
  ignoreDeadLinks: false,
  // Generated pages are edited through their generators, not by hand.
  transformPageData(pageData) {
    const path = pageData.relativePath;
    if (path.startsWith('reference/') && path !== 'reference/index.md') {
      pageData.frontmatter.editLink = false;
    }
  },
  markdown: {
    theme: { light: 'github-light', dark: 'github-dark' },
  },
  themeConfig: {
    search: { provider: 'local' },
    outline: { level: [2, 3] },
    socialLinks: [{ icon: 'github', link: repository }],
    editLink: { pattern: `${repository}/edit/main/docs/:path`, text: 'Edit this page' },
    footer: { message: 'MIT licensed.' },
    nav: [
      { text: 'Start', link: '/start/what-is-portcullis', activeMatch: '^/(start/|demo|runtimes)' },
      { text: 'Concepts', link: '/concepts/backends', activeMatch: '^/concepts/' },
      {
        text: 'Guides',
        link: '/guides/custom-user-fields',
        activeMatch: '^/(guides/|revocation|abuse-protection|mfa)',
      },
      { text: 'Reference', link: '/reference/', activeMatch: '^/reference/' },
      {
        text: 'Contract',
        link: '/contract/',
        activeMatch: '^/(contract/|deviations|oauth)',
      },
      { text: 'Security', link: '/security/threat-model', activeMatch: '^/security/' },
      { text: 'Performance', link: '/performance', activeMatch: '^/performance' },
    ],
    sidebar: [
      {
        text: 'Start',
        items: [
          { text: 'What Portcullis is', link: '/start/what-is-portcullis' },
          { text: 'Quick start: Fastify', link: '/start/fastify' },
          { text: 'Quick start: Express', link: '/start/express' },
          { text: 'Quick start: Koa', link: '/start/koa' },
          { text: 'Quick start: Hono and the Fetch API', link: '/start/fetch' },
          { text: 'Runtimes: Node, Bun, Deno, Workers', link: '/runtimes' },
          { text: 'The demo app', link: '/demo' },
        ],
      },
      {
        text: 'Concepts',
        items: [
          { text: 'Backends: transport × strategy', link: '/concepts/backends' },
          { text: 'Tokens and their audiences', link: '/concepts/tokens' },
          { text: 'The user manager and hooks', link: '/concepts/user-manager' },
          { text: 'Errors and their codes', link: '/concepts/errors' },
        ],
      },
      {
        text: 'Guides',
        items: [
          { text: 'Custom user fields', link: '/guides/custom-user-fields' },
          { text: 'Writing a store', link: '/guides/writing-a-store' },
          { text: 'Migrating from FastAPI Users', link: '/guides/migrating-from-fastapi-users' },
          { text: 'OAuth providers', link: '/guides/oauth-providers' },
          { text: 'Several instances (PostgreSQL + Redis)', link: '/guides/several-instances' },
          { text: 'Sending mail from the hooks', link: '/guides/sending-mail' },
          { text: 'Sessions and refresh tokens', link: '/sessions' },
          { text: 'Logging out everywhere', link: '/revocation' },
          { text: 'Where sessions are stored', link: '/sessions-storage' },
          { text: 'SQL: PostgreSQL, MySQL/MariaDB, SQLite', link: '/guides/sql' },
          { text: 'MongoDB: documents, indexes, tests', link: '/guides/mongodb' },
          { text: 'Abuse protection and proxies', link: '/abuse-protection' },
          { text: 'Second factor: TOTP and passkeys', link: '/mfa' },
          { text: 'Not built yet', link: '/guides/not-yet' },
        ],
      },
      {
        text: 'Reference',
        items: [
          { text: 'Overview', link: '/reference/' },
          { text: 'HTTP routes', link: '/reference/http-routes' },
          { text: 'Error codes', link: '/reference/error-codes' },
          { text: 'Configuration options', link: '/reference/options' },
          { text: 'Conformance kit (@portcullis/testing)', link: '/reference/testing-kit' },
          { text: 'API (TypeDoc)', link: '/reference/api/' },
        ],
      },
      {
        text: 'Contract and decisions',
        items: [
          { text: 'The FastAPI Users contract', link: '/contract/' },
          { text: 'Routes, guards and framework rules', link: '/contract/routes' },
          { text: 'Users, tokens, backends and stores', link: '/contract/behaviour' },
          { text: 'Upstream quirks: kept and fixed', link: '/contract/quirks' },
          { text: 'Deviations from FastAPI Users', link: '/deviations' },
          { text: 'OAuth routes', link: '/oauth' },
          { text: 'Decision records', link: '/contract/decisions' },
        ],
      },
      {
        text: 'Security',
        items: [
          { text: 'Threat model', link: '/security/threat-model' },
          { text: 'OWASP ASVS 5.0', link: '/security/asvs' },
        ],
      },
      {
        text: 'Project',
        items: [
          { text: 'Performance', link: '/performance' },
          { text: 'Reliability at the HTTP level', link: '/reliability-http' },
          { text: 'Upgrading', link: '/upgrading' },
          { text: 'Contributing to the docs', link: '/contributing' },
          { text: 'Releasing', link: '/releasing' },
        ],
      },
    ],
  },
});
